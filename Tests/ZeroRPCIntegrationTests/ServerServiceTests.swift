// ServerService and ClientService inside a ServiceGroup in this process: a graceful
// shutdown drains the server and closes the client; cancellation closes at once.
import ServiceLifecycle
import Testing
import ZeroRPC
import ZeroRPCServiceLifecycle
import ZeroRPCTestSupport

@Suite struct ServerServiceTests {
    @Test func aGracefulShutdownLetsTheHeldCallFinishThenClosesBoth() async throws {
        let pair = try ObservedPair()
        let group = ServiceGroup(
            services: [ClientService(pair.client), ServerService(pair.server)], logger: .init(label: "test"))
        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            let held = Task { try await pair.client.call("obs.slow", [5]) }
            try await waitUntil { !pair.service.seen.recorded.isEmpty }
            await group.triggerGracefulShutdown()
            // The server drains (new calls refused) while the held call still runs, and the
            // client, listed first, stays open until the server is done.
            var refusal: RemoteError?
            for _ in 0..<1000 where refusal == nil {
                do {
                    _ = try await pair.echo(1)
                    try await Task.sleep(for: .milliseconds(2))
                } catch let error as RemoteError {
                    refusal = error
                }
            }
            #expect(refusal?.name == "ServerShuttingDown")
            pair.service.release.open()
            #expect(try await held.value == 5)
            try await tasks.waitForAll()
        }
        await #expect(throws: RPCError.closed) { try await pair.echo(1) }
    }

    @Test func cancellingTheGroupClosesTheServerAtOnce() async throws {
        let pair = try ObservedPair()
        let group = ServiceGroup(services: [ServerService(pair.server)], logger: .init(label: "test"))
        let running = Task { try await group.run() }
        #expect(try await pair.echo(2) == 2)
        let held = Task { try await pair.client.call("obs.slow", [5]) }
        try await waitUntil { !pair.service.seen.recorded.isEmpty }
        running.cancel()
        // The group returns with the handler still held (its gate opens only in
        // `pair.close()`): cancellation closed the server without a drain.
        try? await running.value
        await pair.server.waitClosed()
        await pair.close()
        await #expect(throws: (any Error).self) { try await held.value }
    }
}
