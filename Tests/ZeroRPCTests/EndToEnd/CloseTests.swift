import Testing
import ZeroRPC
import ZeroRPCTestSupport

@Suite struct CloseTests {
    @Test func closingTheClientFailsPendingCallsAndLaterOnes() async throws {
        let arrived = TestGate()
        let release = TestGate()
        let fixture = try ServerFixture { server in
            try server.register(name: "hang") { _, _ in
                arrived.open()
                await release.wait()
                return nil
            }
        }
        let pending = Task { try await fixture.client.call("hang", []) }
        #expect(await opens(arrived))
        await fixture.client.close()
        await #expect(throws: RPCError.closed) { try await pending.value }
        await #expect(throws: RPCError.closed) { try await fixture.client.call("hang", []) }
        await fixture.client.close()  // a second close is harmless
        release.open()
        await fixture.server.close()
    }

    @Test func closingTheServerEndsRunAndCancelsHandlers() async throws {
        let handler = SleepingHandler()
        let fixture = try ServerFixture { try handler.register(on: $0, as: "hang") }
        let running = Task { try await fixture.server.run() }
        let call = Task { try await fixture.client.call("hang", [], options: .within(.seconds(30))) }
        #expect(await opens(handler.started))
        await fixture.server.close()
        try await running.value
        #expect(await opens(handler.cancelled))
        #expect(throws: RPCError.closed) { try fixture.server.bind(TestTransport.inproc.bindEndpoint()) }
        await fixture.client.close()
        // The client learns of the server's end either way: by its own close, or first by
        // two missed heartbeats when the steps above took that long (a loaded machine).
        let error = await #expect(throws: RPCError.self) { try await call.value }
        #expect(error == .closed || error == .lostRemote(method: "hang"), "\(String(describing: error))")
    }

    @Test func serverThatNeverBoundClosesAndRunReturns() async throws {
        let server = Server()
        let running = Task { try await server.run() }
        await server.close()
        try await running.value
        await server.close()
    }

    @Test func endpointsThatCannotBeUsedThrowInvalidEndpoint() async throws {
        #expect {
            try Client(connect: ["nonsense://x"])
        } throws: { error in
            guard case RPCError.invalidEndpoint("nonsense://x", _) = error else { return false }
            return true
        }
        #expect(throws: RPCError.invalidEndpoint("", reason: "no endpoint given")) { try Client(connect: []) }
        let server = Server()
        let endpoint = try server.bind("tcp://127.0.0.1:0")
        let second = Server()
        #expect {
            try second.bind(endpoint)
        } throws: { error in
            guard case RPCError.invalidEndpoint(endpoint, let reason) = error else { return false }
            return reason.contains("in use")
        }
        await server.close()
        await second.close()
    }
}
