import CSQLite
import Foundation
import Testing

@testable import ZeroRPC
@testable import ZeroRPCSQLite

/// What only the SQLite store promises beyond the shared contract and sharing
/// (`DeferredSharedInstancesTests`): restarts, leases, its file's schema.
@Suite struct DeferredSQLiteStoreTests {
    private let clock = ManualClock()

    private func open(_ path: String, leaseDuration: Duration = .seconds(30)) async throws -> SQLiteResultStore {
        try await SQLiteResultStore(
            path: path,
            configuration: .init(
                leaseDuration: leaseDuration, pollInterval: .milliseconds(10), clock: clock.storeClock))
    }

    @Test func aFinishedResultSurvivesARestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.path("restart.sqlite")
        let token = freshToken()
        let failed = freshToken()
        let error = DeferredError(name: "DivisionByZero", message: "1 / 0", traceback: "tb", encodedFields: [0x80])
        do {
            let before = try await open(path)
            try await expectCreated(token, in: before)
            try await expectCreated(failed, in: before)
            try await before.complete(token, with: .success(encodedResult: [0xa2, 0x6f, 0x6b]))
            try await before.complete(failed, with: .failure(error))
            await before.close()
            await #expect(throws: ResultStoreError.closed) { try await before.lookup(token) }
        }
        let after = try await open(path)
        #expect(try await after.lookup(token) == .finished(.success(encodedResult: [0xa2, 0x6f, 0x6b])))
        #expect(try await after.lookup(failed) == .finished(.failure(error)))
        await after.close()
    }

    @Test func anEntryWhoseOwnerStoppedRenewingBecomesLost() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.path("lease.sqlite")
        let owner = try await open(path, leaseDuration: .seconds(30))
        let survivor = try await open(path, leaseDuration: .seconds(30))
        let orphan = freshToken()
        let kept = freshToken()
        try await expectCreated(orphan, in: owner)
        try await expectCreated(kept, in: survivor)
        let waiter = Task { try await survivor.wait(for: orphan, upTo: .seconds(60)) }
        await eventually { survivor.waiterCount(for: orphan) == 1 }
        await owner.close()  // the owner dies without finishing

        clock.advance(by: .seconds(20))
        #expect(try await survivor.renewLeases() == 1)  // survivor renews its own entry only
        #expect(try await survivor.lookup(orphan) == .unfinished(.pending))
        clock.advance(by: .seconds(11))
        let lost = DeferredLookup.finished(.failure(.lost))
        #expect(try await waiter.value == lost)
        #expect(try await survivor.lookup(orphan) == lost)
        #expect(
            try await survivor.status(of: orphan)
                == .failed(name: DeferredError.lostName, message: DeferredError.lost.message))
        #expect(try await survivor.lookup(kept) == .unfinished(.pending))
        #expect(try await survivor.complete(orphan, with: .cancelled) == false)
        await survivor.close()
    }

    @Test func aDeferralIntoAClosedStoreIsAnErrorNotAToken() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try await open(directory.path("closed.sqlite"))
        let fixture = try DeferredCallFixture(store: store)
        await store.close()
        await #expect {
            try await fixture.startHold(5)
        } throws: { error in
            (error as? RemoteError)?.name == "ResultStoreError"
        }
        await fixture.cancelled.wait()  // the handler, whose result has no home, stopped
        await fixture.close()
    }

    @Test func aFileFromANewerSchemaIsRefused() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.path("future.sqlite")
        try executeDirectly(on: path, "PRAGMA user_version = 99;")
        await #expect(throws: ResultStoreError.unsupportedSchema(version: 99, path: path)) {
            try await open(path)
        }
    }

    @Test func aCorruptRowIsAnErrorNotACrash() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.path("corrupt.sqlite")
        let store = try await open(path)
        let token = freshToken()
        try await expectCreated(token, in: store)
        try executeDirectly(on: path, "UPDATE deferred_entries SET state = 42;")
        await #expect(throws: ResultStoreError.self) { try await store.lookup(token) }
        try executeDirectly(on: path, "UPDATE deferred_entries SET state = 2, result = NULL;")
        await #expect(throws: ResultStoreError.self) { try await store.lookup(token) }
        await store.close()
    }

    @Test func aPathThatCannotBeOpenedThrows() async throws {
        await #expect(throws: ResultStoreError.self) {
            try await open("/nonexistent-directory-\(UUID().uuidString)/results.sqlite")
        }
    }

    /// Runs SQL on the file through a connection of its own, as another program would.
    private func executeDirectly(on path: String, _ sql: String) throws {
        var db: OpaquePointer?
        defer { sqlite3_close(db) }
        try #require(sqlite3_open(path, &db) == SQLITE_OK)
        sqlite3_busy_timeout(db, 5_000)
        try #require(sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK)
    }
}
