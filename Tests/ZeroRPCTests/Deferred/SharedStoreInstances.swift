import Foundation
import Testing

@testable import ZeroRPC
@testable import ZeroRPCPostgres
@testable import ZeroRPCSQLite

/// The stores several instances (processes, hosts) can share, for the tests of what
/// sharing promises: SQLite instances on one file, PostgreSQL instances on one schema.
enum SharedStoreKind: String, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// Store instances on one shared backing, timed by one hand-moved clock; `close()` closes
/// them all and removes the backing.
final class SharedStoreInstances: Sendable {
    let kind: SharedStoreKind
    let clock = ManualClock()
    private let leaseDuration: Duration
    private let directory: TemporaryDirectory?
    private let database: PostgresTestDatabase?
    private let opened = LockedValue<[any ResultStore]>([])

    init(_ kind: SharedStoreKind, leaseDuration: Duration = .seconds(30)) async throws {
        self.kind = kind
        self.leaseDuration = leaseDuration
        switch kind {
        case .sqlite:
            directory = try TemporaryDirectory()
            database = nil
        case .postgres:
            directory = nil
            database = try await PostgresTestDatabase(
                configuration: .init(
                    leaseDuration: leaseDuration, operationTimeout: PostgresTestDatabase.patience,
                    clock: clock.storeClock))
        }
    }

    /// Another instance on the shared backing.
    func open() async throws -> any ResultStore {
        let store: any ResultStore
        switch kind {
        case .sqlite:
            store = try await SQLiteResultStore(
                path: directory?.path("shared.sqlite") ?? "",
                configuration: .init(
                    leaseDuration: leaseDuration, pollInterval: .milliseconds(10), clock: clock.storeClock))
        case .postgres:
            guard let database else { throw PostgresTestDatabase.MissingDatabase() }
            store = try await PostgresTestDatabase.open(
                url: database.url,
                configuration: .init(
                    schema: database.schema, leaseDuration: leaseDuration, clock: clock.storeClock))
        }
        opened.withLock { $0.append(store) }
        return store
    }

    /// The instance's id as a lease holder.
    static func instanceID(of store: any ResultStore) -> String? {
        (store as? SQLiteResultStore)?.instanceID ?? (store as? PostgresResultStore)?.instanceID
    }

    /// Closes one instance, as its process would when it stops.
    static func close(_ store: any ResultStore) async {
        if let sqlite = store as? SQLiteResultStore { await sqlite.close() }
        if let postgres = store as? PostgresResultStore { await postgres.close() }
    }

    func close() async {
        for store in opened.withLock({ $0 }) { await Self.close(store) }
        directory?.cleanUp()
        await database?.close()
    }
}
