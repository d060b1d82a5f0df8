import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC
@testable import ZeroRPCPostgres

/// What only the PostgreSQL store promises beyond the shared contract and sharing
/// (`DeferredSharedInstancesTests`): leases on the database's clock, key races between
/// instances, its schema, its URLs, and clear failures when the database is away.
@Suite(.timeLimit(.minutes(2)))
struct DeferredPostgresStoreTests {
    @Test func aWaiterSeesTheEntryOfADeadOwnerTurnLostWhenItsLeaseEnds() async throws {
        // The database's clock and a short lease: nothing but the lease's end wakes the
        // waiter, and it reads the entry lost.
        let configuration = PostgresResultStore.Configuration(leaseDuration: .milliseconds(600))
        let database = try await PostgresTestDatabase(configuration: configuration)
        var survivorConfiguration = configuration
        survivorConfiguration.schema = database.schema
        let survivor = try await PostgresTestDatabase.open(url: database.url, configuration: survivorConfiguration)
        let orphan = freshToken()
        let kept = freshToken()
        try await expectCreated(orphan, in: database.store)
        try await expectCreated(kept, in: survivor)
        let waiter = Task { try await survivor.wait(for: orphan, upTo: .seconds(60)) }
        await eventually { survivor.waiterCount(for: orphan) == 1 }
        await database.store.close()  // the owner stops renewing without finishing

        let lost = DeferredLookup.finished(.failure(.lost))
        #expect(try await waiter.value == lost)
        #expect(try await survivor.lookup(orphan) == lost)
        #expect(try await survivor.lookup(kept) == .unfinished(.pending))  // renewed by the survivor
        #expect(try await survivor.complete(orphan, with: .cancelled) == false)
        await survivor.close()
        await database.close()
    }

    @Test func concurrentCreatesWithOneKeyThroughTwoInstancesYieldOneEntry() async throws {
        let shared = try await SharedStoreInstances(.postgres)
        let stores = [try await shared.open(), try await shared.open()]
        let creations = try await withThrowingTaskGroup(of: (DeferredToken, DeferredCreation).self) { group in
            for index in 0..<24 {
                group.addTask {
                    let token = freshToken()
                    let creation = try await stores[index % 2].create(
                        token, timeToLive: .seconds(60), idempotencyKey: "the-key")
                    return (token, creation)
                }
            }
            return try await group.reduce(into: [(DeferredToken, DeferredCreation)]()) { $0.append($1) }
        }
        let created = creations.filter { $0.1 == .created }.map(\.0)
        #expect(created.count == 1)
        let winner = try #require(created.first)
        #expect(creations.allSatisfy { $0.0 == winner || $0.1 == .existing(winner) })
        await shared.close()
    }

    @Test func storesOpeningAFreshSchemaAtOnceCreateItOnce() async throws {
        let url = try PostgresTestDatabase.url()
        let configuration = PostgresResultStore.Configuration(schema: PostgresTestDatabase.freshSchema())
        let stores = try await withThrowingTaskGroup(of: PostgresResultStore.self) { group in
            for _ in 0..<4 {
                group.addTask { try await PostgresTestDatabase.open(url: url, configuration: configuration) }
            }
            return try await group.reduce(into: [PostgresResultStore]()) { $0.append($1) }
        }
        let token = freshToken()
        try await expectCreated(token, in: stores[0])
        for store in stores { #expect(try await store.lookup(token) == .unfinished(.pending)) }
        for store in stores { await store.close() }
        try await PostgresTestDatabase.execute(url: url, "DROP SCHEMA \"\(configuration.schema)\" CASCADE")
    }

    @Test func aSchemaFromANewerVersionIsRefused() async throws {
        let database = try await PostgresTestDatabase()
        await database.store.close()
        try await PostgresTestDatabase.execute(
            url: database.url, "UPDATE \"\(database.schema)\".schema_version SET version = 99")
        await #expect(
            throws: ResultStoreError.unsupportedSchema(version: 99, path: "PostgreSQL schema \"\(database.schema)\"")
        ) {
            try await PostgresTestDatabase.open(url: database.url, configuration: .init(schema: database.schema))
        }
        await database.close()
    }

    @Test func aCorruptRowIsAnErrorNotACrash() async throws {
        let database = try await PostgresTestDatabase()
        let token = freshToken()
        try await expectCreated(token, in: database.store)
        try await PostgresTestDatabase.execute(
            url: database.url, "UPDATE \"\(database.schema)\".entries SET state = 42")
        await #expect(throws: ResultStoreError.self) { try await database.store.lookup(token) }
        try await PostgresTestDatabase.execute(
            url: database.url, "UPDATE \"\(database.schema)\".entries SET state = 2, result = NULL")
        await #expect(throws: ResultStoreError.self) { try await database.store.lookup(token) }
        await database.close()
    }

    @Test func anInvalidSchemaNameIsRefusedBeforeAnySQL() async throws {
        let url = try PostgresTestDatabase.url()
        for name in ["", "Upper", "1digit", "semi;colon", "quote\"", String(repeating: "a", count: 49)] {
            #expect(!PostgresResultStore.Configuration.isValidSchema(name))
            await #expect(throws: ResultStoreError.self) {
                try await PostgresResultStore(url: url, configuration: .init(schema: name))
            }
        }
        #expect(PostgresResultStore.Configuration.isValidSchema("zerorpc_deferred"))
    }

    @Test func anUnreachableDatabaseIsAClearErrorWithinTheTimeout() async throws {
        // A port nobody listens on: connections are refused at once, and the pool keeps
        // retrying; the operation timeout bounds the wait.
        let reserved = try ReservedPort()
        defer { reserved.release() }
        let started = ContinuousClock.now
        await #expect {
            try await PostgresResultStore(
                url: "postgres://postgres@127.0.0.1:\(reserved.port)/postgres?sslmode=disable",
                configuration: .init(operationTimeout: .milliseconds(500)))
        } throws: { error in
            guard case ResultStoreError.unreachable = error else { return false }
            return true
        }
        // Bounded, not forever (the suite's limit is 2 minutes); alone it takes half a second.
        #expect(ContinuousClock.now - started < TestTiming.boundedWait)
    }

    @Test func urlsAreParsedStrictly() throws {
        let url = try PostgresURL("postgresql://us%40er:p%3Ass@db.example:6543/my%20db?sslmode=require")
        #expect(url.username == "us@er")
        #expect(url.password == "p:ss")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.database == "my db")
        #expect(url.sslMode == "require")
        let socket = try PostgresURL("postgres:///app?host=/run/postgresql")
        #expect(socket.socketDirectory == "/run/postgresql")
        #expect(socket.clientConfiguration.unixSocketPath == "/run/postgresql/.s.PGSQL.5432")
        #expect(try PostgresURL("postgres://h").port == 5432)
        for bad in [
            "http://h/db", "postgres://h/db?sslmode=verify-full", "postgres://h/db?application_name=x",
            "postgres:///db",
        ] {
            #expect(throws: PostgresURL.Error.self) { try PostgresURL(bad) }
        }
    }
}
