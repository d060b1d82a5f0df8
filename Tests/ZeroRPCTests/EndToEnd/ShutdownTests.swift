import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// `Server.shutdown(_:)`: refusing new calls, draining those in flight, a deadline, and
/// waiting for deferred results to be claimed.
@Suite struct ShutdownTests {
    final class Flag: Sendable {
        private let value = LockedValue(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    private func gatedServer(
        started: TestCounter, gate: TestGate, cancelled: TestCounter = TestCounter()
    ) throws -> ServerFixture {
        try ServerFixture { server in
            try server.register(name: "quick") { _, _ in .nil }
            try server.register(name: "gated") { _, _ in
                started.increment()
                do {
                    await withTaskCancellationHandler {
                        await gate.wait()
                    } onCancel: {
                        cancelled.increment()
                    }
                    try Task.checkCancellation()
                } catch {
                    throw error
                }
                return .string("done")
            }
        }
    }

    @Test func gracefulShutdownFinishesCallsInFlightAndRefusesNewOnes() async throws {
        let started = TestCounter()
        let gate = TestGate()
        let fixture = try gatedServer(started: started, gate: gate)
        let running = Task { try await fixture.client.call("gated", []) }
        await started.wait(untilAtLeast: 1)

        let returned = Flag()
        let shutdown = Task {
            await fixture.server.shutdown(.graceful(timeout: .seconds(30)))
            returned.set()
        }
        // Refusal is in force once a request made after the shutdown began is refused.
        var refused: RemoteError?
        while refused == nil {
            do {
                _ = try await fixture.client.call("quick", [])
            } catch let error as RemoteError {
                refused = error
            }
        }
        #expect(refused?.name == "ServerShuttingDown")
        #expect(!returned.isSet, "shutdown returned while a call was in flight")
        gate.open()
        #expect(try await running.value == "done")
        await shutdown.value
        await fixture.server.waitClosed()
        await fixture.client.close()
    }

    @Test func theDeadlineCancelsWhatStillRuns() async throws {
        let started = TestCounter()
        let cancelled = TestCounter()
        let gate = TestGate()
        let fixture = try gatedServer(started: started, gate: gate, cancelled: cancelled)
        let running = Task { try await fixture.client.call("gated", []) }
        await started.wait(untilAtLeast: 1)
        await fixture.server.shutdown(.graceful(timeout: .milliseconds(200)))
        await cancelled.wait(untilAtLeast: 1)
        gate.open()  // the handler ignores cancellation until then; let its task end
        await fixture.client.close()
        await #expect(throws: (any Error).self) { try await running.value }
    }

    @Test func refuseNewKeepsTheServerUpForCallsInFlightAndIntrospection() async throws {
        let started = TestCounter()
        let gate = TestGate()
        let fixture = try gatedServer(started: started, gate: gate)
        let running = Task { try await fixture.client.call("gated", []) }
        await started.wait(untilAtLeast: 1)
        await fixture.server.shutdown(.refuseNew)
        await #expect(throws: RemoteError.self) { _ = try await fixture.client.call("gated", []) }
        #expect(try await fixture.client.call("_zerorpc_name", []) == "test-server")
        gate.open()
        #expect(try await running.value == "done")
        await fixture.close()
    }

    @Test func awaitDeferredClaimsWaitsUntilTheClientHasTheResult() async throws {
        let gate = TestGate()
        let fixture = try ServerFixture { server in
            try server.register(name: "job") { _, _ in
                await gate.wait()
                return .int(42)
            }
        }
        let job = try await fixture.client.startDeferred(
            "job", options: CallOptions(deferAfter: .zero), declaredErrors: [], arguments: { $0.writeArrayHeader(0) },
            result: { try $0.read(MessagePackValue.self) })
        #expect(job.token != nil)

        let returned = Flag()
        let shutdown = Task {
            await fixture.server.shutdown(.awaitDeferredClaims(timeout: .seconds(30)))
            returned.set()
        }
        gate.open()
        // The job finishes into the store; shutdown still waits for the claim.
        while try await job.status() != .done {}
        #expect(!returned.isSet, "shutdown returned before the result was claimed")
        #expect(try await job.result() == 42)
        await shutdown.value
        await fixture.client.close()
    }
}
