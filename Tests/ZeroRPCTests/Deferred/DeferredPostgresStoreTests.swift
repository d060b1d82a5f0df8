import Foundation
import Testing

@testable import ZeroRPC
@testable import ZeroRPCPostgres

/// What only the PostgreSQL store promises beyond the shared contract: instances sharing
/// one database, waking by `NOTIFY`, leases on the database's clock, its schema, and
/// clear failures when the database is away.
@Suite(.timeLimit(.minutes(2)))
struct DeferredPostgresStoreTests {
    private let clock = ManualClock()

    /// Two instances on one fresh schema, timed by the test's clock.
    private func twoInstances(leaseDuration: Duration = .seconds(30)) async throws -> (
        PostgresTestDatabase, PostgresResultStore
    ) {
        let configuration = PostgresResultStore.Configuration(leaseDuration: leaseDuration, clock: clock.storeClock)
        let first = try await PostgresTestDatabase(configuration: configuration)
        var second = configuration
        second.schema = first.schema
        return (first, try await PostgresTestDatabase.open(url: first.url, configuration: second))
    }

    @Test func aSecondInstanceAnswersATokenTheFirstCreatedAndCompleted() async throws {
        let (database, storeB) = try await twoInstances()
        let storeA = database.store
        #expect(storeA.instanceID != storeB.instanceID)
        let token = freshToken()
        try await expectCreated(token, in: storeA)
        #expect(try await storeB.lookup(token) == .unfinished(.pending))
        try await storeA.reportProgress(token, progress: 0.5, message: "half")
        #expect(try await storeB.status(of: token) == .running(progress: 0.5, message: "half"))
        try await storeA.complete(token, with: .success(encodedResult: [0x92, 0x02, 0x03]))
        #expect(try await storeB.lookup(token) == .finished(.success(encodedResult: [0x92, 0x02, 0x03])))
        #expect(try await storeB.acknowledge(token))
        #expect(try await storeA.lookup(token) == .unknown)
        await storeB.close()
        await database.close()
    }

    @Test func aWaiterOnOneInstanceWakesOnTheNotificationOfAnother() async throws {
        let (database, storeB) = try await twoInstances()
        let storeA = database.store
        let token = freshToken()
        try await expectCreated(token, in: storeA)
        let waiter = Task { try await storeB.wait(for: token, upTo: .seconds(60)) }
        await eventually { storeB.waiterCount(for: token) == 1 }
        let started = ContinuousClock.now
        try await storeA.complete(token, with: .success(encodedResult: [0x07]))
        #expect(try await waiter.value == .finished(.success(encodedResult: [0x07])))
        // Nothing re-reads on a timer (the owner's lease, the only timer, is 30 s away):
        // only the notification can have woken the waiter this soon.
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(storeB.waiterCount(for: token) == 0)
        await storeB.close()
        await database.close()
    }

    @Test func cancellationRequestedThroughOneInstanceReachesTheOwner() async throws {
        let (database, other) = try await twoInstances()
        let owner = database.store
        let ownerRequests = owner.cancellationRequests(for: testIssuer)
        let otherRequests = other.cancellationRequests(for: testIssuer)
        let token = freshToken()
        try await expectCreated(token, in: owner)

        #expect(try await other.requestCancellation(token))
        #expect(try await owner.isCancellationRequested(token))
        var iterator = ownerRequests.makeAsyncIterator()
        #expect(await iterator.next() == token)
        let second = freshToken()
        try await expectCreated(second, in: owner)
        #expect(try await other.requestCancellation(second))
        #expect(try await other.requestCancellation(second))  // announced once only
        #expect(await iterator.next() == second)
        try await owner.complete(second, with: .cancelled)
        try await owner.complete(token, with: .cancelled)
        #expect(try await other.status(of: token) == .cancelled)

        // Only the instance running the job hears about it.
        await other.close()
        var otherIterator = otherRequests.makeAsyncIterator()
        #expect(await otherIterator.next() == nil)
        await database.close()
    }

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

    @Test func theSweepFailsLostEntriesNobodyReads() async throws {
        let (database, sweeper) = try await twoInstances()
        let token = freshToken()
        try await expectCreated(token, in: database.store, timeToLive: .seconds(60))
        await database.store.close()
        clock.advance(by: .seconds(31))
        #expect(try await sweeper.expireEntries() == 0)  // failed as lost, then kept for its time to live
        clock.advance(by: .seconds(61))
        #expect(try await sweeper.expireEntries() == 1)
        #expect(try await sweeper.lookup(token) == .expired)
        await sweeper.close()
        await database.close()
    }

    @Test func concurrentCreatesWithOneKeyThroughTwoInstancesYieldOneEntry() async throws {
        let (database, storeB) = try await twoInstances()
        let stores: [any ResultStore] = [database.store, storeB]
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
        await storeB.close()
        await database.close()
    }

    @Test func closingTheStoreEndsItsWaitsWithAnError() async throws {
        let database = try await PostgresTestDatabase(configuration: .init(clock: clock.storeClock))
        let store = database.store
        let token = freshToken()
        try await expectCreated(token, in: store)
        let waiter = Task { try await store.wait(for: token, upTo: .seconds(60)) }
        await eventually { store.waiterCount(for: token) == 1 }
        await store.close()
        await #expect(throws: ResultStoreError.closed) { try await waiter.value }
        await #expect(throws: ResultStoreError.closed) { try await store.complete(token, with: .cancelled) }
        await store.close()  // a second close does nothing
        await database.close()
    }

    @Test func storesOpeningAFreshSchemaAtOnceCreateItOnce() async throws {
        let url = try PostgresTestDatabase.url()
        let configuration = PostgresResultStore.Configuration(schema: PostgresTestDatabase.freshSchema())
        let stores = try await withThrowingTaskGroup(of: PostgresResultStore.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresTestDatabase.open(url: url, configuration: configuration) } }
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
        await #expect(throws: ResultStoreError.unsupportedSchema(version: 99, path: "PostgreSQL schema \"\(database.schema)\"")) {
            try await PostgresTestDatabase.open(url: database.url, configuration: .init(schema: database.schema))
        }
        await database.close()
    }

    @Test func aCorruptRowIsAnErrorNotACrash() async throws {
        let database = try await PostgresTestDatabase()
        let token = freshToken()
        try await expectCreated(token, in: database.store)
        try await PostgresTestDatabase.execute(url: database.url, "UPDATE \"\(database.schema)\".entries SET state = 42")
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
        let port = try closedPort()
        let started = ContinuousClock.now
        await #expect {
            try await PostgresResultStore(
                url: "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable",
                configuration: .init(operationTimeout: .milliseconds(500)))
        } throws: { error in
            guard case ResultStoreError.unreachable = error else { return false }
            return true
        }
        #expect(ContinuousClock.now - started < .seconds(10))
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
        for bad in ["http://h/db", "postgres://h/db?sslmode=verify-full", "postgres://h/db?application_name=x", "postgres:///db"] {
            #expect(throws: PostgresURL.Error.self) { try PostgresURL(bad) }
        }
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, read, released).
func closedPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(descriptor >= 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
    }
    try #require(bound)
    return Int(UInt16(bigEndian: address.sin_port))
}
