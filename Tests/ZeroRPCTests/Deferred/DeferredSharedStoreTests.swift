import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC
@testable import ZeroRPCSQLite

/// Deferred results in a `SQLiteResultStore`: answered by another server process on the
/// same file, and still claimable after a restart.
@Suite("Deferred calls over a shared SQLite store", .timeLimit(.minutes(2)))
struct DeferredSharedStoreTests {
    private static func holdHandle(_ client: Client, key: String) async throws -> Deferred<String> {
        try await client.startDeferred(
            "hold", options: .deferring(after: .zero), declaredErrors: [],
            arguments: { writer in
                writer.writeArrayHeader(1)
                writer.write(key)
            },
            result: { try $0.read(String.self) })
    }

    private static func resume(_ client: Client, _ token: DeferredToken) -> Deferred<String> {
        client.resumeDeferred(token, declaredErrors: []) { try $0.read(String.self) }
    }

    @Test func processBAnswersATokenIssuedByProcessA() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.path("results.sqlite")
        // Process A: a child process on the file.
        let processA = try await DeferredServerProcess(
            store: path, id: "proc-a", bind: TestTransport.ipc.bindEndpoint())
        let clientA = try Client(connect: [processA.endpoint], options: .init(heartbeatInterval: TestTiming.heartbeat))
        // Process B: this test process, its own store instance on the same file.
        let storeB = try await SQLiteResultStore(path: path)
        let fixtureB = try DeferredCallFixture(.ipc, store: storeB, serverID: DeferredServerID("proc-b"))

        let started = try await Self.holdHandle(clientA, key: "job-1")
        let token = try deferredToken(started)
        #expect(token.issuer.text == "proc-a")
        let resumed = Self.resume(fixtureB.client, token)
        // Progress is reported as the job starts, racing the DEFERRED answer.
        let status = try await resumed.status()
        #expect(status == .pending || status == .running(progress: 0.5, message: "held"))
        #expect(try await resumed.poll() == nil)
        _ = try await clientA.call("release", ["job-1"])
        #expect(try await resumed.result() == "job-1")

        // A cancel sent to B reaches the job running in A.
        let second = try await Self.holdHandle(clientA, key: "job-2")
        let secondToken = try deferredToken(second)
        #expect(try await Self.resume(fixtureB.client, secondToken).cancel())
        await #expect(throws: RPCError.deferredCancelled(secondToken)) {
            try await Self.resume(fixtureB.client, secondToken).value
        }
        await clientA.close()
        await processA.stop()
        await fixtureB.close()
        await storeB.close()
    }

    @Test func aFinishedResultSurvivesAServerRestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.path("results.sqlite")
        let id = DeferredServerID("restarting")
        let token: DeferredToken
        do {
            let store = try await SQLiteResultStore(path: path)
            let fixture = try DeferredCallFixture(store: store, serverID: id)
            let handle = try await fixture.startHold(31)
            token = try deferredToken(handle)
            fixture.release.open()
            #expect(try await finishedOutcome(token, in: store) != nil)
            await fixture.close()
            await store.close()
        }
        let store = try await SQLiteResultStore(path: path)
        let fixture = try DeferredCallFixture(store: store, serverID: id)
        let resumed: Deferred<Int64> = fixture.client.resumeDeferred(token, declaredErrors: []) {
            try $0.read(Int64.self)
        }
        #expect(try await resumed.status() == .done)
        #expect(try await resumed.value == 31)
        await fixture.close()
        await store.close()
    }
}
