import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// Handlers run on tasks reused from call to call (`HandlerRunners`): a call does not
/// create a task, a cancelled call's task is never reused, and a closed server leaves
/// no task behind.
@Suite struct HandlerRunnerTests {
    @Test func sequentialCallsReuseOneRunner() async throws {
        let fixture = try ServerFixture { server in
            try server.register(name: "cancelled") { _, _ in .bool(Task.isCancelled) }
        }
        for _ in 0..<30 {
            #expect(try await fixture.client.call("cancelled", []) == false)
        }
        // One runner, or two if a request overtook the first runner on its way to park.
        #expect(fixture.server.handlerRunners.counts.created <= 2)
        await fixture.close()
    }

    @Test func handlersThatWaitTogetherGetARunnerEachAndTheNextBurstReusesThem() async throws {
        let width = 8
        let arrived = TestCounter()
        let fixture = try ServerFixture { server in
            try server.register(name: "together") { _, _ in
                arrived.increment()
                await arrived.wait(untilAtLeast: width * (arrived.value > width ? 2 : 1))
                return nil
            }
        }
        let runners = fixture.server.handlerRunners
        for burst in 1...2 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<width {
                    group.addTask { _ = try await fixture.client.call("together", []) }
                }
                try await group.waitForAll()
            }
            try await waitUntil { runners.counts.idle == width }
            #expect(runners.counts.created == width, "burst \(burst)")
        }
        await fixture.close()
    }

    /// A call cancelled because its client went silent: its runner's task stays
    /// cancelled, so the runner ends instead of taking the next call.
    @Test func aCancelledCallsRunnerRetiresAndLaterCallsAreNotCancelled() async throws {
        let forever = SleepingHandler()
        let interval = TestTiming.patient(.milliseconds(200))
        let fixture = try ServerFixture(
            .tcp, serverOptions: .init(heartbeatInterval: interval), clientOptions: .init(heartbeatInterval: interval)
        ) { server in
            try forever.register(on: server, as: "forever")
            try server.register(name: "cancelled") { _, _ in .bool(Task.isCancelled) }
        }
        let runners = fixture.server.handlerRunners
        let silentClient = try RawPeer(.dealer, connect: fixture.endpoint)
        _ = silentClient.sendRequest("forever", arguments: [0x90])
        #expect(await opens(forever.cancelled))
        try await waitUntil { runners.counts.live == 0 }
        #expect(runners.counts.created == 1)
        for _ in 0..<5 {
            #expect(try await fixture.client.call("cancelled", []) == false)
        }
        // One more runner, or two if a request overtook it on its way to park.
        #expect((2...3).contains(runners.counts.created))
        await fixture.close()
    }

    @Test func closingTheServerEndsParkedAndRunningRunners() async throws {
        let width = 4
        let arrived = TestCounter()
        let heldArrived = TestGate()
        let release = TestGate()
        let fixture = try ServerFixture { server in
            try server.register(name: "together") { _, _ in
                arrived.increment()
                await arrived.wait(untilAtLeast: width)
                return nil
            }
            try server.register(name: "held") { _, _ in
                heldArrived.open()
                await release.wait()
                return nil
            }
        }
        let runners = fixture.server.handlerRunners
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<width {
                group.addTask { _ = try await fixture.client.call("together", []) }
            }
            try await group.waitForAll()
        }
        try await waitUntil { runners.counts.idle == width }
        let held = Task { try? await fixture.client.call("held", [], options: .within(.seconds(30))) }
        #expect(await opens(heldArrived))
        #expect(runners.counts.live == width)
        await fixture.server.close()
        // Parked runners end with the server; the held one once its handler returns.
        try await waitUntil { runners.counts.live <= 1 }
        release.open()
        try await waitUntil { runners.counts.live == 0 }
        #expect(runners.counts.created == width)
        await fixture.client.close()
        _ = await held.value
    }
}
