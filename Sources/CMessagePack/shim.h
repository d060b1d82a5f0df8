#ifndef ZERORPC_CMESSAGEPACK_SHIM_H
#define ZERORPC_CMESSAGEPACK_SHIM_H

// msgpack-c 4.x (Debian's libmsgpack-dev). The library is `msgpackc` on Debian;
// msgpack-c >= 5 renames it `msgpack-c`, which is the one line a port changes.
#include <msgpack.h>

#endif
