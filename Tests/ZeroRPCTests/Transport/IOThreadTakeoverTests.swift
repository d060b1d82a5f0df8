import Foundation
import Logging
import Synchronization
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// Handlers start on the server's I/O thread by default (`HandlerExecution.inline`), and a
/// caller may run on `Client.executor`. A task there that blocks or computes must stall
/// neither heartbeats nor other calls: a standby thread takes the sockets over once the
/// task held the thread past `ioThreadTaskBudget` (`LoopLeadership`). These tests block
/// for real, with 1 s heartbeats (`TestTiming.heartbeat`: 5 s in sanitized runs, and the
/// blocks last five times longer there too): a stalled loop loses its peer after two periods.
@Suite struct IOThreadTakeoverTests {
    /// The case: a handler that blocks for 30 s, on default options. Calls made
    /// meanwhile are answered while it still blocks, and the blocked call itself ends with
    /// its reply, not `lostRemote`, so heartbeats flowed both ways all along.
    @Test func aHandlerBlockingThirtySecondsStallsNeitherHeartbeatsNorOtherCalls() async throws {
        let blocking = Mutex(false)
        let fixture = try ServerFixture(.tcp) { server in
            try server.register(name: "fast") { _, _ in .int(1) }
            try server.register(name: "block") { _, _ in
                blocking.withLock { $0 = true }
                // Blocks the thread it runs on, the I/O thread at first: 30 s (150 s in
                // sanitized runs, where 50 calls once took longer than 30 s).
                sleep(UInt32(30 * TestTiming.slowdown))
                blocking.withLock { $0 = false }
                return .int(2)
            }
        }
        let blocked = Task {
            try await fixture.client.call("block", [], options: .within(TestTiming.patient(.seconds(60))))
        }
        try await waitUntil { blocking.withLock { $0 } }
        for index in 0..<50 {
            #expect(try await fixture.client.call("fast", [], options: .within(.seconds(20))) == 1)
            #expect(blocking.withLock { $0 }, "call \(index) was answered only after the handler returned")
        }
        #expect(try await blocked.value == 2)
        await fixture.close()
    }

    /// The same for a handler that computes without suspending, and the method moves off
    /// the I/O thread afterwards: its next call starts on the concurrent executor. The
    /// handler spins until the test saw another call answered (so a loaded 2-core run
    /// loses a core for no longer than needed); the budget is 200 ms, so only it, never a
    /// slow sanitizer build's ordinary call, is taken over.
    @Test func aComputingHandlerIsTakenOverAndItsMethodMovesOff() async throws {
        let log = LogRecorder()
        let computing = Mutex(false)
        let answered = Atomic<Bool>(false)
        let fixture = try ServerFixture(
            serverOptions: .init(
                heartbeatInterval: TestTiming.heartbeat, ioThreadTaskBudget: .milliseconds(200), logger: log.logger)
        ) { server in
            try server.register(name: "fast") { _, _ in .int(1) }
        }
        let executor = fixture.server.executor
        try fixture.server.register(name: "compute") { arguments, _ in
            let startedInline = executor.isCurrent
            let untilAnswered = arguments.first?.boolValue ?? false
            computing.withLock { $0 = true }
            let clock = ContinuousClock()
            let end = clock.now.advanced(by: .seconds(untilAnswered ? 20 : 0.01))
            var spins = 0
            // Computes, never suspends.
            while clock.now < end && !(untilAnswered && answered.load(ordering: .relaxed)) { spins &+= 1 }
            computing.withLock { $0 = false }
            return .bool(startedInline)
        }
        for _ in 0..<20 { _ = try await fixture.client.call("fast", []) }
        #expect(log.messages(atLeast: .notice).isEmpty)

        let first = Task { try await fixture.client.call("compute", [.bool(true)]) }
        try await waitUntil { computing.withLock { $0 } }
        #expect(try await fixture.client.call("fast", []) == 1)
        #expect(computing.withLock { $0 }, "answered only after the computing handler returned")
        answered.store(true, ordering: .relaxed)
        #expect(try await first.value == true)  // started inline, then was taken over
        #expect(try await fixture.client.call("compute", [.bool(false)]) == false)
        #expect(try await fixture.client.call("fast", []) == 1)

        await fixture.close()
        let notes = log.messages(atLeast: .notice)
        #expect(notes.count == 1)
        #expect(notes.first?.contains("standby thread took over") == true)
    }

    /// A task on `Client.executor` that blocks: a call another task has in flight goes on
    /// heartbeating, and gets its reply.
    @Test func aBlockingTaskOnTheClientsExecutorStallsNoCall() async throws {
        let log = LogRecorder()
        let fixture = try ServerFixture(
            clientOptions: .init(heartbeatInterval: TestTiming.heartbeat, logger: log.logger)
        ) { server in
            try server.register(name: "slow") { _, _ in
                try await Task.sleep(for: TestTiming.patient(.seconds(3)))
                return .int(3)
            }
        }
        let client = fixture.client
        let slow = Task { try await client.call("slow", [], options: .within(TestTiming.patient(.seconds(20)))) }
        let onIOThread = try await withTaskExecutorPreference(client.executor) { () async throws -> Bool in
            _ = try await client.call("slow", [], options: .within(TestTiming.patient(.seconds(20))))
            let wasCurrent = client.executor.isCurrent
            // Holds the client's I/O thread (this task runs on it) for four heartbeat periods.
            sleep(UInt32(4 * TestTiming.slowdown))
            return wasCurrent
        }
        #expect(onIOThread)
        #expect(try await slow.value == 3)
        await fixture.close()
        #expect(log.messages(atLeast: .notice).contains { $0.contains("Client.executor") })
    }
}
