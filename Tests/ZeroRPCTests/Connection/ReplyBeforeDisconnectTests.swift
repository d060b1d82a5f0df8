import CZeroMQ
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// A reply followed at once by the end of its connection: a server that finishes a
/// graceful drain answers its last call and closes, a process answers and exits. The
/// client must still return that reply. With `ZMQ_IMMEDIATE` on the client's DEALER,
/// libzmq dropped replies not yet read when the connection ended (docs/RUNTIME.md,
/// "Replies just before a disconnect"): `ServiceLifecycleTests` and
/// `Tests/Scripts/drain-reply-loss.sh` lost the held call's reply about one round in ten.
@Suite struct ReplyBeforeDisconnectTests {
    /// Rounds per test: before the fix, most runs lost a reply within a few rounds.
    static let rounds = 12

    @Test func theLastReplyOfAGracefulDrainArrives() async throws {
        for round in 0..<Self.rounds {
            let started = TestCounter()
            let gate = TestGate()
            let fixture = try ServerFixture(.tcp) { server in
                try server.register(name: "quick") { _, _ in .nil }
                try server.register(name: "held") { _, _ in
                    started.increment()
                    await gate.wait()
                    return .string("done")
                }
            }
            let held = Task { try await fixture.client.call("held", []) }
            await started.wait(untilAtLeast: 1)
            let shutdown = Task { await fixture.server.shutdown(.graceful(timeout: .seconds(30))) }
            // The drain has begun once a new call is refused.
            while await (try? fixture.client.call("quick", [])) != nil {}
            gate.open()
            #expect(await Self.outcome(of: held) == "done", "round \(round)")
            await shutdown.value
            await fixture.client.close()
        }
    }

    /// The same without a drain: a bare ROUTER answers and closes its socket at once
    /// (lingering, so the reply leaves before the connection ends).
    @Test func aReplyJustBeforeThePeerClosesArrives() async throws {
        for round in 0..<Self.rounds {
            let box = SocketHandOff(try ZMQSocket(.router))
            let endpoint = try box.socket.bind(TestTransport.tcp.bindEndpoint())
            let client = try Client(connect: [endpoint], options: .init(heartbeatInterval: TestTiming.heartbeat))
            let call = Task { try await client.call("answerThenClose", []) }
            try await onOwnThread {
                let router = box.socket
                let request = try Self.receive(on: router)
                let event = try EventEnvelope(decoding: request[request.count - 1])
                let reply = EventEncoder.encode(
                    responseTo: event.messageID, name: "OK", arguments: encoded(.array([.string("done")])))
                _ = router.send(routing: [request[0]], payload: reply)
                try router.setOption(ZMQ_LINGER, 5000)
                router.close()
            }
            #expect(await Self.outcome(of: call) == "done", "round \(round)")
            await client.close()
        }
    }

    /// The call's answer as a string, or the error it failed with, described.
    private static func outcome(of call: Task<MessagePackValue, any Error>) async -> String {
        do {
            return try await call.value.stringValue ?? "not a string"
        } catch {
            return "failed: \(error)"
        }
    }

    /// The next message on `socket`, waiting for it with `zmq_poll` on this thread.
    private static func receive(on socket: ZMQSocket) throws -> [[UInt8]] {
        let deadline = ContinuousClock.now.advanced(by: RawPeer.patience)
        while ContinuousClock.now < deadline {
            if let frames = try socket.receiveMessage() { return frames }
            var item = zmq_pollitem_t(socket: socket.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
            _ = zmq_poll(&item, 1, 100)
        }
        throw RPCError.timeout(method: "answerThenClose", after: RawPeer.patience)
    }
}

/// Moves a socket to the thread that uses it from then on: the test's task only binds it
/// before the hand-off, so one thread at a time uses it (docs/RUNTIME.md).
private final class SocketHandOff: @unchecked Sendable {
    let socket: ZMQSocket
    init(_ socket: ZMQSocket) { self.socket = socket }
}
