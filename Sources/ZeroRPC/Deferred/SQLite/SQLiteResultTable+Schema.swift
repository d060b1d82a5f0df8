import CSQLite
import Foundation

/// The file's schema, created on first open; `PRAGMA user_version` holds its version.
extension SQLiteResultTable {
    /// The schema version this code writes; a newer file is refused.
    static let schemaVersion: Int64 = 1

    /// Switches the file to WAL and creates the tables in one `BEGIN IMMEDIATE`
    /// transaction, so processes opening the file at once create them once.
    func prepareSchema(_ db: SQLiteConnection) throws {
        try enableWriteAheadLog(db)
        try db.executeScript("PRAGMA synchronous = FULL;")
        try db.immediateTransaction {
            let version = try db.query("PRAGMA user_version").first?.first?.integer ?? 0
            guard version <= Self.schemaVersion else {
                throw ResultStoreError.unsupportedSchema(version: version, path: db.path)
            }
            guard version < Self.schemaVersion else { return }
            try db.executeScript(Self.tables)
            try db.executeScript("PRAGMA user_version = \(Self.schemaVersion);")
        }
    }

    /// Switching a file to WAL needs it to itself. When another process opens it at the
    /// same moment SQLite answers `SQLITE_BUSY` at once rather than call the busy handler
    /// (waiting could deadlock), so retry every 10 ms for up to 5 s. Runs on the worker's
    /// queue, where blocking is allowed.
    private func enableWriteAheadLog(_ db: SQLiteConnection) throws {
        var attempts = 0
        while true {
            do {
                try db.executeScript("PRAGMA journal_mode = WAL;")
                return
            } catch ResultStoreError.sqlite(let code, _, _) where code & 0xFF == SQLITE_BUSY && attempts < 500 {
                attempts += 1
                usleep(10_000)
            }
        }
    }

    /// The tables and indexes of the current version, for a new file.
    private static let tables = """
        CREATE TABLE IF NOT EXISTS deferred_entries (
            token TEXT PRIMARY KEY NOT NULL,
            owner TEXT NOT NULL,
            holder TEXT NOT NULL,
            holder_pid INTEGER NOT NULL,
            idempotency_key TEXT UNIQUE,
            state INTEGER NOT NULL,
            progress REAL,
            message TEXT,
            ttl_ms INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            lease_expires_at INTEGER,
            expires_at INTEGER,
            cancel_requested INTEGER NOT NULL DEFAULT 0,
            result BLOB,
            error_name TEXT,
            error_message TEXT,
            error_traceback TEXT,
            error_fields BLOB
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS deferred_entries_unfinished_by_holder
            ON deferred_entries (holder) WHERE state < 2;
        CREATE INDEX IF NOT EXISTS deferred_entries_unfinished_by_lease
            ON deferred_entries (lease_expires_at) WHERE state < 2;
        CREATE INDEX IF NOT EXISTS deferred_entries_finished_by_expiry
            ON deferred_entries (expires_at) WHERE state >= 2;
        CREATE TABLE IF NOT EXISTS deferred_tombstones (
            token TEXT PRIMARY KEY NOT NULL,
            expired_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """
}
