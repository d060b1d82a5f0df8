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
    func waiterCount(for token: DeferredToken) -> Int {
        switch store {
        case let memory as MemoryResultStore: memory.waiterCount(for: token)
        case let sqlite as SQLiteResultStore: sqlite.waiterCount(for: token)
        case let postgres as PostgresResultStore: postgres.waiterCount(for: token)
        default: 0
        }
    }

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
