import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// A client balancing over two servers, each with its own memory store: requests about
/// a token must reach the server that issued it.
@Suite struct DeferredBalancingTests {
    @Test func pollsGoToTheServerThatIssuedTheToken() async throws {
        let holdStarted = TestCounter()
        let releaseHold = TestGate()
        let releaseJob = TestGate()
        var servers: [Server] = []
        var endpoints: [String] = []
        for name in ["issuer-a", "issuer-b"] {
            let server = Server(
                name: name,
                options: ServerOptions(
                    heartbeatInterval: TestTiming.heartbeat,
                    deferred: .init(serverID: DeferredServerID(name))))
            try server.register(name: "hold") { _, _ in
                holdStarted.increment()
                await releaseHold.wait()
                return .nil
            }
            try server.register(name: "job") { _, _ in
                await releaseJob.wait()
                return .string(name)
            }
            endpoints.append(try server.bind(TestTransport.inproc.bindEndpoint()))
            servers.append(server)
        }
        let client = try Client(connect: endpoints, options: .init(heartbeatInterval: TestTiming.heartbeat))

        // A call held open on the first endpoint sends the deferred job to the second.
        let hold = Task { try await client.call("hold", []) }
        await holdStarted.wait(untilAtLeast: 1)
        let job = try await client.startDeferred(
            "job", options: CallOptions(deferAfter: .zero), declaredErrors: [], arguments: { $0.writeArrayHeader(0) },
            result: { try $0.read(MessagePackValue.self) })
        let token = try #require(job.token)
        #expect(token.issuer == DeferredServerID("issuer-b"))

        // With nothing open, balancing alone would pick the first endpoint, whose
        // store has never seen the token.
        releaseHold.open()
        _ = try await hold.value
        #expect(try await job.status() == .pending)
        releaseJob.open()
        #expect(try await job.result() == "issuer-b")

        await client.close()
        for server in servers { await server.close() }
    }
}

@Suite struct DeferredEarlyCancelTests {
    /// A call with a budget whose client task is cancelled before the budget ran out:
    /// `_zpc_close` on its channel cancels the handler, so no job runs on unclaimed.
    @Test func cancellingBeforeDEFERREDCancelsTheHandler() async throws {
        let handler = SleepingHandler()
        let fixture = try ServerFixture { try handler.register(on: $0, as: "slow") }
        defer { Task { await fixture.close() } }
        let call = Task {
            try await fixture.client.call("slow", [], options: CallOptions(deferAfter: .seconds(30)))
        }
        await handler.started.wait()
        call.cancel()
        await handler.cancelled.wait()
        await #expect(throws: CancellationError.self) { try await call.value }
    }
}
