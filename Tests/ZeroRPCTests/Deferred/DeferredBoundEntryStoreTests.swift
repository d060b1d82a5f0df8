import CSQLite
import Foundation
import Testing

@testable import ZeroRPC
@testable import ZeroRPCSQLite

/// What both stores keep for tokens bound to a client key, and the SQLite file's
/// migration from schema version 1, which had no place for the key.
@Suite struct DeferredBoundEntryStoreTests {
    private static let aliceKey = String(repeating: "A", count: 40)

    @Test(arguments: StoreKind.allCases)
    func theKeyStaysWithTheEntryAndItsTombstone(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = fixture.store
        let bound = freshToken()
        let bearer = freshToken()
        #expect(
            try await store.create(bound, timeToLive: .seconds(60), idempotencyKey: nil, boundTo: Self.aliceKey)
                == .created)
        try await expectCreated(bearer, in: store)
        #expect(try await store.boundClientKey(of: bound) == Self.aliceKey)
        #expect(try await store.boundClientKey(of: bearer) == nil)
        #expect(try await store.boundClientKey(of: freshToken()) == nil)

        try await store.complete(bound, with: .success(encodedResult: [1]))
        try await store.complete(bearer, with: .success(encodedResult: [2]))
        #expect(try await store.boundClientKey(of: bound) == Self.aliceKey)
        fixture.clock.advance(by: .seconds(61))
        #expect(try await store.expireEntries() == 2)
        #expect(try await store.lookup(bound) == .expired)
        #expect(try await store.boundClientKey(of: bound) == Self.aliceKey, "the tombstone forgot the key")
        #expect(try await store.boundClientKey(of: bearer) == nil)
        await fixture.close()
    }

    @Test(arguments: StoreKind.allCases)
    func anEntryExpiredOnReadKeepsItsKeyInTheTombstone(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let token = freshToken()
        _ = try await fixture.store.create(token, timeToLive: .seconds(60), idempotencyKey: "k", boundTo: Self.aliceKey)
        try await fixture.store.complete(token, with: .cancelled)
        fixture.clock.advance(by: .seconds(61))
        #expect(try await fixture.store.lookup(token) == .expired)  // expired by this read, not a sweep
        #expect(try await fixture.store.boundClientKey(of: token) == Self.aliceKey)
        await fixture.close()
    }

    @Test func aVersion1FileIsMigratedInPlaceAndKeepsItsEntries() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.path("v1.sqlite")
        let clock = ManualClock()
        let now = clock.storeClock.nowMilliseconds()
        let old = freshToken()
        let buried = freshToken()
        try SQLiteFile(path).execute(
            Self.version1Schema + """
                INSERT INTO deferred_entries
                    (token, owner, holder, holder_pid, state, ttl_ms, created_at, expires_at, result)
                VALUES ('\(old.text)', 'test-server', 'gone', 1, 2, 60000, \(now), \(now + 60_000), x'2a');
                INSERT INTO deferred_tombstones (token, expired_at) VALUES ('\(buried.text)', \(now));
                """)

        // Two instances open the old file at once: one migrates, the other finds it done.
        let configuration = SQLiteResultStore.Configuration(pollInterval: .milliseconds(10), clock: clock.storeClock)
        async let first = SQLiteResultStore(path: path, configuration: configuration)
        async let second = SQLiteResultStore(path: path, configuration: configuration)
        let stores = try await [first, second]
        #expect(try SQLiteFile(path).integer("PRAGMA user_version") == SQLiteResultTable.schemaVersion)

        for store in stores {
            #expect(try await store.lookup(old) == .finished(.success(encodedResult: [42])))
            #expect(try await store.boundClientKey(of: old) == nil)
            #expect(try await store.lookup(buried) == .expired)
        }
        let bound = freshToken()
        _ = try await stores[0].create(bound, timeToLive: .seconds(60), idempotencyKey: nil, boundTo: Self.aliceKey)
        #expect(try await stores[1].boundClientKey(of: bound) == Self.aliceKey)
        #expect(try await stores[1].acknowledge(old))
        for store in stores { await store.close() }

        // Reopening a current file changes nothing.
        let reopened = try await SQLiteResultStore(path: path, configuration: configuration)
        #expect(try await reopened.boundClientKey(of: bound) == Self.aliceKey)
        #expect(try await reopened.lookup(old) == .unknown)
        await reopened.close()
    }

    /// The schema version 1 wrote, as files made by earlier builds hold it.
    private static let version1Schema = """
        CREATE TABLE deferred_entries (
            token TEXT PRIMARY KEY NOT NULL, owner TEXT NOT NULL, holder TEXT NOT NULL,
            holder_pid INTEGER NOT NULL, idempotency_key TEXT UNIQUE, state INTEGER NOT NULL,
            progress REAL, message TEXT, ttl_ms INTEGER NOT NULL, created_at INTEGER NOT NULL,
            lease_expires_at INTEGER, expires_at INTEGER, cancel_requested INTEGER NOT NULL DEFAULT 0,
            result BLOB, error_name TEXT, error_message TEXT, error_traceback TEXT, error_fields BLOB
        ) WITHOUT ROWID;
        CREATE INDEX deferred_entries_unfinished_by_holder ON deferred_entries (holder) WHERE state < 2;
        CREATE INDEX deferred_entries_unfinished_by_lease ON deferred_entries (lease_expires_at) WHERE state < 2;
        CREATE INDEX deferred_entries_finished_by_expiry ON deferred_entries (expires_at) WHERE state >= 2;
        CREATE TABLE deferred_tombstones (token TEXT PRIMARY KEY NOT NULL, expired_at INTEGER NOT NULL) WITHOUT ROWID;
        PRAGMA user_version = 1;

        """
}

/// The database file through a connection of its own, as another program would use it.
private struct SQLiteFile {
    let path: String

    init(_ path: String) { self.path = path }

    func execute(_ sql: String) throws {
        try withConnection { db in
            #expect(sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK, "\(String(cString: sqlite3_errmsg(db)))")
        }
    }

    func integer(_ sql: String) throws -> Int64? {
        try withConnection { db in
            var statement: OpaquePointer?
            defer { sqlite3_finalize(statement) }
            try #require(sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK)
            guard sqlite3_step(statement) == SQLITE_ROW else { return nil }
            return sqlite3_column_int64(statement, 0)
        }
    }

    private func withConnection<T>(_ body: (OpaquePointer?) throws -> T) throws -> T {
        var db: OpaquePointer?
        defer { sqlite3_close(db) }
        try #require(sqlite3_open(path, &db) == SQLITE_OK)
        sqlite3_busy_timeout(db, 5_000)
        return try body(db)
    }
}
