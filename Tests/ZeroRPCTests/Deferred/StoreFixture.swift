import Foundation
import Testing

@testable import ZeroRPC
@testable import ZeroRPCPostgres
@testable import ZeroRPCSQLite

/// The stores every ``ResultStore`` contract test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case memory
    case sqlite
    /// Needs `ZERORPC_POSTGRES_URL` (`make test` starts a cluster and sets it); fails
    /// without it.
    case postgres

    var testDescription: String { rawValue }
}

/// A store under test with the clock that times it.
struct StoreFixture {
    let store: any ResultStore
    let clock: ManualClock
    private let tearDown: @Sendable () async -> Void

    init(_ kind: StoreKind, tombstoneRetention: Duration = .seconds(3600)) async throws {
        let clock = ManualClock()
        self.clock = clock
        switch kind {
        case .memory:
            store = MemoryResultStore(tombstoneRetention: tombstoneRetention, clock: clock.storeClock)
            tearDown = {}
        case .sqlite:
            let directory = try TemporaryDirectory()
            let sqlite = try await SQLiteResultStore(
                path: directory.path("results.sqlite"),
                configuration: .init(
                    pollInterval: .milliseconds(10), tombstoneRetention: tombstoneRetention, clock: clock.storeClock))
            store = sqlite
            tearDown = {
                await sqlite.close()
                directory.cleanUp()
            }
        case .postgres:
            let database = try await PostgresTestDatabase(
                configuration: .init(
                    tombstoneRetention: tombstoneRetention, operationTimeout: PostgresTestDatabase.patience,
                    clock: clock.storeClock))
            store = database.store
            tearDown = { await database.close() }
        }
    }

    /// How many tasks wait for `token` in this process.
    func waiterCount(for token: DeferredToken) -> Int { store.localWaiterCount(for: token) }

    /// Moves the clock on by `duration` in steps shorter than a lease, renewing the
    /// owner's leases as a live owner does, so unfinished entries stay unfinished.
    func advanceWhileOwnerLives(by duration: Duration) async throws {
        var remaining = duration
        while remaining > .zero {
            let step = min(remaining, .seconds(10))
            clock.advance(by: step)
            if let sqlite = store as? SQLiteResultStore { try await sqlite.renewLeases() }
            if let postgres = store as? PostgresResultStore { try await postgres.renewLeases() }
            remaining -= step
        }
    }

    func close() async { await tearDown() }
}

/// The steps the store contract tests begin with, for any store under test.
extension ResultStore {
    /// A new pending entry without an idempotency key, expected to be created.
    func createdEntry(
        timeToLive: Duration = .seconds(60), sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> DeferredToken {
        let token = freshToken()
        try await expectCreated(token, in: self, timeToLive: timeToLive, sourceLocation: sourceLocation)
        return token
    }

    /// A task long-polling `token` here for up to a minute, returned once it waits.
    func waiter(for token: DeferredToken) async -> Task<DeferredLookup, any Error> {
        await waiters(for: token, count: 1)[0]
    }

    /// `count` tasks long-polling `token` here for up to a minute, returned once all wait.
    func waiters(for token: DeferredToken, count: Int) async -> [Task<DeferredLookup, any Error>] {
        let waiters = (0..<count).map { _ in Task { try await wait(for: token, upTo: .seconds(60)) } }
        await eventually { localWaiterCount(for: token) == count }
        return waiters
    }

    /// How many tasks of this process wait for `token` on this instance (0 for a store
    /// without the test hook).
    func localWaiterCount(for token: DeferredToken) -> Int {
        switch self {
        case let memory as MemoryResultStore: memory.waiterCount(for: token)
        case let sqlite as SQLiteResultStore: sqlite.waiterCount(for: token)
        case let postgres as PostgresResultStore: postgres.waiterCount(for: token)
        default: 0
        }
    }
}
