// The database schema of PostgresResultStore: created on first use, migrated in place.
import PostgresNIO
import ZeroRPC

/// The tables live in a PostgreSQL schema of their own (``PostgresResultStore/Configuration/schema``,
/// default `zerorpc_deferred`), so they never mix with an application's tables and tests
/// can give each store a schema of its own.
///
/// `<schema>.schema_version` holds one row with the version. Each store opening the
/// database takes a transaction-scoped advisory lock on the schema's name, reads the
/// version and applies the steps it lacks, so stores starting at once migrate it once. A
/// schema newer than this build is refused (``ResultStoreError/unsupportedSchema(version:path:)``)
/// rather than served without the rules the newer version needs: upgrade every server
/// sharing a database together.
extension PostgresResultTable {
    /// The schema version this code writes.
    static let schemaVersion: Int64 = 1

    /// The statements bringing a schema from version `index` to `index + 1`. A later
    /// version appends a step; steps already shipped never change.
    var migrations: [[String]] {
        [version1]
    }

    /// Creates or migrates the schema to ``schemaVersion``, in one transaction.
    func prepareSchema(_ client: PostgresClient, logger: Logger) async throws {
        let lockKey = "zerorpc_deferred:" + schema
        let migrations = migrations
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(lockKey)))", logger: logger)
            try await connection.query(
                PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger: logger)
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        CREATE TABLE IF NOT EXISTS "\(schema)".schema_version (
                            single boolean PRIMARY KEY DEFAULT true CHECK (single),
                            version bigint NOT NULL
                        )
                        """), logger: logger)
            var version: Int64 = 0
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT version FROM \"\(schema)\".schema_version"), logger: logger)
            for try await row in rows { version = try Self.cells(row, 1)[0].decode(Int64.self) }
            guard version <= Self.schemaVersion else {
                throw ResultStoreError.unsupportedSchema(version: version, path: "PostgreSQL schema \"\(schema)\"")
            }
            guard version < Self.schemaVersion else { return }
            for step in migrations[Int(version)...] {
                for statement in step {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
            }
            try await connection.query(
                """
                INSERT INTO \(unescaped: "\"\(schema)\"").schema_version (single, version) VALUES (true, \(Self.schemaVersion))
                ON CONFLICT (single) DO UPDATE SET version = EXCLUDED.version
                """, logger: logger)
        }
    }

    /// Version 1: the tables of the SQLite store's version 2 (the client key included),
    /// and a trigger announcing finished entries and cancellation requests on
    /// ``channel``.
    private var version1: [String] {
        let schema = "\"\(schema)\""
        return [
            """
            CREATE TABLE \(schema).entries (
                token text PRIMARY KEY,
                owner text NOT NULL,
                holder text NOT NULL,
                holder_pid integer NOT NULL,
                idempotency_key text UNIQUE,
                client_key text,
                state smallint NOT NULL,
                progress double precision,
                message text,
                ttl_ms bigint NOT NULL,
                created_at bigint NOT NULL,
                lease_expires_at bigint,
                expires_at bigint,
                cancel_requested boolean NOT NULL DEFAULT false,
                result bytea,
                error_name text,
                error_message text,
                error_traceback text,
                error_fields bytea
            )
            """,
            "CREATE INDEX entries_unfinished_by_holder ON \(schema).entries (holder) WHERE state < 2",
            "CREATE INDEX entries_unfinished_by_lease ON \(schema).entries (lease_expires_at) WHERE state < 2",
            "CREATE INDEX entries_finished_by_expiry ON \(schema).entries (expires_at) WHERE state >= 2",
            """
            CREATE TABLE \(schema).tombstones (
                token text PRIMARY KEY,
                expired_at bigint NOT NULL,
                client_key text
            )
            """,
            "CREATE INDEX tombstones_by_expiry ON \(schema).tombstones (expired_at)",
            // A trigger rather than NOTIFY in each statement: every way an entry finishes
            // (completion, a lost lease found by any reader) wakes the waiters.
            """
            CREATE FUNCTION \(schema).announce() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.state >= 2 THEN
                    PERFORM pg_notify(TG_TABLE_SCHEMA || '.events', 'f ' || NEW.token);
                ELSE
                    PERFORM pg_notify(TG_TABLE_SCHEMA || '.events', 'c ' || NEW.holder || ' ' || NEW.token);
                END IF;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER entries_announce AFTER UPDATE ON \(schema).entries FOR EACH ROW
            WHEN (OLD.state < 2 AND (NEW.state >= 2 OR (NEW.cancel_requested AND NOT OLD.cancel_requested)))
            EXECUTE FUNCTION \(schema).announce()
            """,
        ]
    }
}
