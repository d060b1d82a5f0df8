#ifndef ZERORPC_CSQLITE_SHIM_H
#define ZERORPC_CSQLITE_SHIM_H

// The system's libsqlite3 (Debian's libsqlite3-dev), linked by the module map.
#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot
// import: binds that ask SQLite to copy the bytes go through this.
static inline sqlite3_destructor_type zerorpc_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

#endif
