import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC
@testable import ZeroRPCPostgres

/// The PostgreSQL store while its database goes away and comes back, each test on a
/// cluster of its own: clear errors while it is down (a call that cannot store its
/// deferral gets an `ERR`, never a token), and everything working again after the
/// restart without reopening the store.
@Suite(.timeLimit(.minutes(3)))
struct DeferredPostgresOutageTests {
    /// A short operation timeout, so errors while the database is down come quickly: 1 s,
    /// 10 s in sanitized runs (preparing the schema timed out at 1 s in a full sanitized
    /// run on 2 cores). Well under `startHold`'s 30 s call timeout, which must not end
    /// the call before the store's error does.
    private static let configuration = PostgresResultStore.Configuration(
        schema: "outage", operationTimeout: TestTiming.isSanitized ? .seconds(10) : .seconds(1))

    /// How long the two failing operations of an outage may take in all: their timeouts
    /// and a margin for the pool's retries.
    private static let errorsWithin = configuration.operationTimeout * 2 + .seconds(8)

    @Test func theStoreReconnectsAfterTheDatabaseRestarts() async throws {
        try await PrivatePostgresCluster.with { cluster in try await reconnects(cluster) }
    }

    private func reconnects(_ cluster: PrivatePostgresCluster) async throws {
        let storeA = try await PostgresTestDatabase.open(url: cluster.url, configuration: Self.configuration)
        let storeB = try await PostgresTestDatabase.open(url: cluster.url, configuration: Self.configuration)
        let token = freshToken()
        try await expectCreated(token, in: storeA)
        // A long poll on B waits through the restart.
        let waiter = Task { try await storeB.wait(for: token, upTo: .seconds(100)) }
        await eventually { storeB.waiterCount(for: token) == 1 }

        try await cluster.stop()
        let started = ContinuousClock.now
        await #expect {
            try await storeA.lookup(token)
        } throws: { error in
            guard case ResultStoreError.unreachable = error else { return false }
            return true
        }
        await #expect(throws: ResultStoreError.self) {
            try await storeA.create(freshToken(), timeToLive: .seconds(9), idempotencyKey: nil)
        }
        #expect(ContinuousClock.now - started < Self.errorsWithin)

        try await cluster.start()
        // The pools reconnect by themselves; the first statements may still meet the
        // pool's pause between attempts.
        await eventually(within: .seconds(60)) { (try? await storeA.lookup(token)) == .unfinished(.pending) }
        #expect(try await storeA.complete(token, with: .success(encodedResult: [0x2a])))
        // B's listener is back too: the completion's notification wakes its waiter.
        #expect(try await waiter.value == .finished(.success(encodedResult: [0x2a])))
        #expect(try await storeB.acknowledge(token))

        await storeA.close()
        await storeB.close()
    }

    @Test func aCallThatCannotStoreItsDeferralGetsAnErrorNotAToken() async throws {
        try await PrivatePostgresCluster.with { cluster in try await failsClearly(cluster) }
    }

    private func failsClearly(_ cluster: PrivatePostgresCluster) async throws {
        let store = try await PostgresTestDatabase.open(url: cluster.url, configuration: Self.configuration)
        let fixture = try DeferredCallFixture(.tcp, store: store, serverID: DeferredServerID("outage-server"))

        try await cluster.stop()
        await #expect {
            try await fixture.startHold(7)
        } throws: { error in
            (error as? RemoteError)?.name == "ResultStoreError"
        }
        // The handler, whose result would have had no home, was stopped.
        await fixture.cancelled.wait()

        try await cluster.start()
        await eventually(within: .seconds(60)) { (try? await store.lookup(freshToken())) == .unknown }
        let fresh = try DeferredCallFixture(.tcp, store: store, serverID: DeferredServerID("outage-server"))
        let handle = try await fresh.startHold(8)
        _ = try deferredToken(handle)
        fresh.release.open()
        #expect(try await handle.value == 8)

        await fixture.close()
        await fresh.close()
        await store.close()
    }
}
