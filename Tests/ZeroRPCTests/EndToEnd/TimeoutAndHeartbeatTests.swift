import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

@Suite struct TimeoutAndHeartbeatTests {
    @Test func callWithoutReplyTimesOutAndTheLateReplyIsDiscarded() async throws {
        let release = TestGate()
        let lateReplies = TestCounter()
        let fixture = try ServerFixture { server in
            try server.register(name: "slow") { arguments, _ in
                await release.wait()
                lateReplies.increment()
                return arguments.first ?? nil
            }
        }
        let started = ContinuousClock.now
        let error = await #expect(throws: RPCError.self) {
            try await fixture.client.call("slow", ["late"], options: .within(.milliseconds(150)))
        }
        guard case .timeout(let method, let after)? = error else {
            Issue.record("expected timeout, got \(String(describing: error))")
            return
        }
        #expect(method == "slow")
        #expect(after >= .milliseconds(150))
        #expect(started.duration(to: .now) < .seconds(20))  // far from the 30 s default
        release.open()
        await lateReplies.wait(untilAtLeast: 1)
        // The late "late" reply must not be taken for this call's answer.
        #expect(try await fixture.client.call("slow", ["fresh"]) == "fresh")
        await fixture.close()
    }

    @Test func heartbeatsKeepACallLongerThanTwoPeriodsAlive() async throws {
        let fixture = try ServerFixture(
            .tcp, serverOptions: .init(heartbeatInterval: .milliseconds(500)),
            clientOptions: .init(heartbeatInterval: .milliseconds(500))
        ) { server in
            try server.register(name: "slow") { _, _ in
                try await Task.sleep(for: .milliseconds(1700))  // > 3 heartbeat periods
                return "done"
            }
        }
        #expect(try await fixture.client.call("slow", [], options: .within(.seconds(60))) == "done")
        await fixture.close()
    }

    @Test func silentServerIsLostAfterTwoPeriods() async throws {
        let silentServer = try RawPeer(.router, bind: "tcp://127.0.0.1:0")
        let client = try Client(connect: [silentServer.endpoint], options: .init(heartbeatInterval: .milliseconds(100)))
        let started = ContinuousClock.now
        let outcome = Task { try await client.call("anything", [], options: .within(.seconds(60))) }
        let request = await silentServer.receiveEvent()
        #expect(request?.name == "anything")
        let heartbeat = await silentServer.receiveEvent()
        #expect(heartbeat?.name == "_zpc_hb")
        #expect(heartbeat?.responseTo == request?.messageID)
        await #expect(throws: RPCError.lostRemote(method: "anything")) { try await outcome.value }
        let elapsed = started.duration(to: .now)
        #expect(elapsed >= .milliseconds(200) && elapsed < .seconds(30))
        await client.close()
    }

    @Test func serverHeartbeatsABusyCallAndCancelsItWhenTheClientGoesSilent() async throws {
        let cancelled = TestGate()
        let server = Server(options: .init(heartbeatInterval: .milliseconds(100)))
        try server.register(name: "forever") { _, _ in
            let never = TestGate()
            await withTaskCancellationHandler {
                await never.wait()
            } onCancel: {
                cancelled.open()
                never.open()
            }
            return nil
        }
        let endpoint = try server.bind("tcp://127.0.0.1:0")
        let silentClient = try RawPeer(.dealer, connect: endpoint)
        let requestID = silentClient.sendRequest("forever", arguments: [0x90])
        let heartbeat = await silentClient.receiveEvent()
        #expect(heartbeat?.name == "_zpc_hb")
        #expect(heartbeat?.responseToArray == requestID)
        #expect(heartbeat?.arguments == [0])
        #expect(await opens(cancelled))
        await server.close()
    }

    @Test func clientHeartbeatsKeepTheServerFromCancelling() async throws {
        let cancelled = TestGate()
        let fixture = try ServerFixture(
            serverOptions: .init(heartbeatInterval: .milliseconds(500)),
            clientOptions: .init(heartbeatInterval: .milliseconds(500))
        ) { server in
            try server.register(name: "slow") { _, _ in
                do {
                    try await Task.sleep(for: .milliseconds(1700))  // > 3 heartbeat periods
                } catch {
                    cancelled.open()
                    throw error
                }
                return "finished"
            }
        }
        #expect(try await fixture.client.call("slow", []) == "finished")
        #expect(!cancelled.isOpen)
        await fixture.close()
    }
}
