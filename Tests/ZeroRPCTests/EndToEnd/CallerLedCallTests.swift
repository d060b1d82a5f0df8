import Foundation
import Synchronization
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// A caller alone on its client waits for its reply on its own thread
/// (`ClientOptions.callerReplyWait`, `ClientLoop.lead`): no hand-off to the I/O thread and
/// back. These tests check that it happens, and that every way out of it — a reply past
/// the wait, a cancel, overlapping calls, a close — still ends each call exactly once.
@Suite struct CallerLedCallTests {
    /// A wait long enough that a loaded (or sanitized) machine still answers within it.
    static func client(wait: Duration) -> ClientOptions {
        // The server fixture heartbeats every `TestTiming.heartbeat` (5 s sanitized): a client
        // expecting 1 s would call a sanitized server lost two seconds into a held call.
        ClientOptions(heartbeatInterval: TestTiming.heartbeat, callerReplyWait: wait)
    }

    private func ledCalls(_ client: Client) -> Int { client.callsLedByCallers.load(ordering: .relaxed) }

    @Test(arguments: [TestTransport.inproc, .tcp])
    func sequentialCallsAreLedByTheirCallers(_ transport: TestTransport) async throws {
        let fixture = try ServerFixture(transport, clientOptions: Self.client(wait: .seconds(2))) {
            try $0.register(Calculator())
        }
        defer { Task { await fixture.close() } }
        for index in Int64(0)..<200 {
            #expect(try await fixture.client.add(index, 1) == index + 1)
        }
        // The first call may wait for the connection (then the I/O thread sends it), and
        // a caller finding the I/O thread mid-turn goes the usual way: most are led.
        #expect(ledCalls(fixture.client) >= 150, "led: \(ledCalls(fixture.client)) of 200")
    }

    /// A wait too long to count in milliseconds is capped, not an arithmetic trap: the
    /// caller leads and gets its reply.
    @Test func aHugeWaitIsCappedAndTheCallIsLed() async throws {
        let fixture = try ServerFixture(clientOptions: Self.client(wait: .seconds(Int64.max))) {
            try $0.register(Calculator())
        }
        defer { Task { await fixture.close() } }
        #expect(try await fixture.client.add(40, 2) == 42)
        #expect(try await fixture.client.add(1, 2) == 3)
        #expect(ledCalls(fixture.client) >= 1)
    }

    @Test func noCallIsLedWhenTheWaitIsZero() async throws {
        let fixture = try ServerFixture(clientOptions: Self.client(wait: .zero)) { try $0.register(Calculator()) }
        defer { Task { await fixture.close() } }
        for index in Int64(0)..<50 {
            #expect(try await fixture.client.add(index, 2) == index + 2)
        }
        #expect(ledCalls(fixture.client) == 0)
    }

    @Test func aReplyPastTheWaitComesThroughTheIOThread() async throws {
        let fixture = try ServerFixture(.tcp, clientOptions: Self.client(wait: .milliseconds(1))) {
            try $0.register(name: "slow") { arguments, _ in
                try await Task.sleep(for: .milliseconds(30))
                return arguments.first ?? nil
            }
        }
        defer { Task { await fixture.close() } }
        for index in Int64(0)..<5 {
            #expect(try await fixture.client.call("slow", [.int(index)]) == .int(index))
        }
        #expect(ledCalls(fixture.client) == 0)
    }

    @Test func aCancelledCallerPastTheWaitCancelsTheHandler() async throws {
        let handler = SleepingHandler()
        // A cancel reaches a caller only once it stopped waiting on its thread: 100 ms here.
        let fixture = try ServerFixture(clientOptions: Self.client(wait: .milliseconds(100))) {
            try $0.register(Calculator())
            try handler.register(on: $0, as: "hang")
        }
        defer { Task { await fixture.close() } }
        let call = Task { try await fixture.client.call("hang", []) }
        await handler.started.wait()
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        await handler.cancelled.wait()  // `_zpc_close` reached the server
        // The client goes on: the next call is led again.
        let before = ledCalls(fixture.client)
        #expect(try await fixture.client.add(2, 2) == 4)
        #expect(ledCalls(fixture.client) == before + 1)
    }

    @Test func callsOverlappingAnOpenOneAreNotLedAndAllEnd() async throws {
        let started = TestGate()
        let release = TestGate()
        // The blocked call leads for the whole wait before the I/O thread takes it over,
        // and holds up the calls behind it that long: keep it short.
        let fixture = try ServerFixture(clientOptions: Self.client(wait: .milliseconds(200))) {
            try $0.register(Calculator())
            try $0.register(name: "block") { _, _ in
                started.open()
                await release.wait()
                return "released"
            }
        }
        defer { Task { await fixture.close() } }
        let blocked = Task { try await fixture.client.call("block", []) }
        await started.wait()
        let before = ledCalls(fixture.client)
        for index in Int64(0)..<20 {
            #expect(try await fixture.client.add(index, 3) == index + 3)
        }
        // The blocked call is open: the I/O thread watches the socket, callers don't lead.
        #expect(ledCalls(fixture.client) == before)
        release.open()
        #expect(try await blocked.value == "released")
    }

    /// Replies landing just before, at and after the wait's end: each call ends once, with
    /// its own result.
    @Test func repliesAroundTheWaitLimitAreNeverLostNorSwapped() async throws {
        let fixture = try ServerFixture(.tcp, clientOptions: Self.client(wait: .milliseconds(2))) {
            try $0.register(name: "later") { arguments, _ in
                var arguments = arguments
                let micros = arguments.count > 1 ? arguments[1].int64Value ?? 0 : 0
                try await Task.sleep(for: .microseconds(micros))
                return arguments.removeFirst()
            }
        }
        defer { Task { await fixture.close() } }
        for index in Int64(0)..<300 {
            let delay = (index * 37) % 4_000
            #expect(try await fixture.client.call("later", [.int(index), .int(delay)]) == .int(index))
        }
    }

    @Test func closingTheClientEndsALedCallThatWasHandedOff() async throws {
        let started = TestGate()
        let release = TestGate()
        let fixture = try ServerFixture(clientOptions: Self.client(wait: .milliseconds(1))) {
            try $0.register(name: "block") { _, _ in
                started.open()
                await release.wait()
                return nil
            }
        }
        let call = Task { try await fixture.client.call("block", []) }
        await started.wait()
        await fixture.client.close()
        await #expect(throws: RPCError.closed) { try await call.value }
        release.open()
        await fixture.server.close()
    }
}
