import CSQLite
import Foundation
import ZeroRPC

/// The file's schema: created on first open, migrated in place from older versions.
///
/// `PRAGMA user_version` holds the version. Version 2 added `client_key` (the key a token
/// is bound to) to both tables. Older builds refuse a newer file rather than serve it
/// without the checks it needs, so every process sharing a file must be upgraded together.
extension SQLiteResultTable {
    /// The schema version this code writes; a newer file is refused, an older one migrated.
    static let schemaVersion: Int64 = 2

    /// Switches the file to WAL and brings its schema to ``schemaVersion`` in one
    /// `BEGIN IMMEDIATE` transaction, so processes opening the file at once migrate it once.
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
            // Version 1 files have the tables without the column.
            try addColumnIfMissing(db, table: "deferred_entries", column: "client_key", type: "TEXT")
            try addColumnIfMissing(db, table: "deferred_tombstones", column: "client_key", type: "TEXT")
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

    private func addColumnIfMissing(_ db: SQLiteConnection, table: String, column: String, type: String) throws {
        let existing = try db.query("SELECT 1 FROM pragma_table_info(?) WHERE name = ?", [.text(table), .text(column)])
        guard existing.isEmpty else { return }
        try db.executeScript("ALTER TABLE \(table) ADD COLUMN \(column) \(type);")
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
            error_fields BLOB,
            client_key TEXT
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS deferred_entries_unfinished_by_holder
            ON deferred_entries (holder) WHERE state < 2;
        CREATE INDEX IF NOT EXISTS deferred_entries_unfinished_by_lease
            ON deferred_entries (lease_expires_at) WHERE state < 2;
        CREATE INDEX IF NOT EXISTS deferred_entries_finished_by_expiry
            ON deferred_entries (expires_at) WHERE state >= 2;
        CREATE TABLE IF NOT EXISTS deferred_tombstones (
            token TEXT PRIMARY KEY NOT NULL,
            expired_at INTEGER NOT NULL,
            client_key TEXT
        ) WITHOUT ROWID;
        """
}
