import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// Two server processes (`zerorpc-deferred-test-server`) sharing one PostgreSQL database
/// and nothing else: no files, no memory. This process is only their client.
@Suite("Deferred calls across server processes over PostgreSQL", .timeLimit(.minutes(3)))
struct DeferredPostgresProcessesTests {
    /// Short, so a killed owner's entry turns lost within the test.
    private static let lease = Duration.milliseconds(1500)

    private static func hold(_ client: Client, key: String) async throws -> DeferredToken {
        let handle: Deferred<String> = try await client.startDeferred(
            "hold", options: .deferring(after: .zero), declaredErrors: [],
            arguments: { writer in
                writer.writeArrayHeader(1)
                writer.write(key)
            },
            result: { try $0.read(String.self) })
        return try deferredToken(handle)
    }

    private static func resume(_ client: Client, _ token: DeferredToken) -> Deferred<String> {
        client.resumeDeferred(token, declaredErrors: []) { try $0.read(String.self) }
    }

    private static func server(_ id: String, _ url: String, _ schema: String) async throws -> DeferredServerProcess {
        try await DeferredServerProcess(
            postgres: url, schema: schema, lease: lease, id: id, bind: TestTransport.tcp.bindEndpoint())
    }

    private static func client(_ process: DeferredServerProcess) throws -> Client {
        try Client(connect: [process.endpoint], options: .init(heartbeatInterval: TestTiming.heartbeat))
    }

    @Test func aTokenIssuedByAIsAnsweredByBEvenAfterAIsKilled() async throws {
        let url = try PostgresTestDatabase.url()
        let schema = PostgresTestDatabase.freshSchema()
        let processA = try await Self.server("proc-a", url, schema)
        let processB = try await Self.server("proc-b", url, schema)
        let clientA = try Self.client(processA)
        let clientB = try Self.client(processB)

        // Resumed, polled, long polled and acknowledged through B.
        let token = try await Self.hold(clientA, key: "job-1")
        #expect(token.issuer.text == "proc-a")
        let throughB = Self.resume(clientB, token)
        let status = try await throughB.status()
        #expect(status == .pending || status == .running(progress: 0.5, message: "held"))
        #expect(try await throughB.poll() == nil)
        let waiting = Task { try await throughB.result() }  // a long poll on B, woken by NOTIFY
        _ = try await clientA.call("release", ["job-1"])
        #expect(try await waiting.value == "job-1")
        // The handle acknowledged the result through B (unawaited): the entry goes.
        await eventually {
            do {
                _ = try await Self.resume(clientB, token).status()
                return false
            } catch {
                return error as? RPCError == .deferredNotFound(token)
            }
        }

        // Cancelled through B: the job running in A stops.
        let cancelled = try await Self.hold(clientA, key: "job-2")
        #expect(try await Self.resume(clientB, cancelled).cancel())
        await #expect(throws: RPCError.deferredCancelled(cancelled)) {
            try await Self.resume(clientB, cancelled).value
        }

        // Finished, then A dies: B still answers.
        let finished = try await Self.hold(clientA, key: "job-3")
        _ = try await clientA.call("release", ["job-3"])
        await eventually { (try? await Self.resume(clientB, finished).status()) == .done }
        await processA.kill()
        #expect(try await Self.resume(clientB, finished).value == "job-3")

        // A second A dies before its job finishes: after the lease, B reports it lost.
        let processA2 = try await Self.server("proc-a", url, schema)
        let clientA2 = try Self.client(processA2)
        let orphan = try await Self.hold(clientA2, key: "job-4")
        await processA2.kill()
        let killed = ContinuousClock.now
        let orphanThroughB = Self.resume(clientB, orphan)
        await #expect {
            try await orphanThroughB.value  // a long poll, woken when the lease ends
        } throws: { error in
            (error as? RemoteError)?.name == DeferredError.lostName
        }
        #expect(ContinuousClock.now - killed < .seconds(20))
        #expect(
            try await orphanThroughB.status()
                == .failed(name: DeferredError.lostName, message: DeferredError.lost.message))

        await clientA.close()
        await clientA2.close()
        await clientB.close()
        await processB.stop()
        try await PostgresTestDatabase.execute(url: url, "DROP SCHEMA \"\(schema)\" CASCADE")
    }
}
