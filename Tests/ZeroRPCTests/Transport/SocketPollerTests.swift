import CZeroMQ
import Testing

@testable import ZeroRPC

/// `SocketPoller` sleeps on the sockets' edge-triggered `ZMQ_FD`s, so each test here asks
/// one thing: after whatever the I/O thread just did, does a poll with a long timeout
/// return at once when a message is waiting? A wrong answer is a call that hangs until
/// a heartbeat timer fires. Each test runs on its own pair of inproc sockets (a send puts
/// the message in the peer's pipe before it returns) and its own context; a poll that
/// wrongly sleeps returns after `patience` and fails. Nothing here may call `zmq_poll`
/// on a socket under test except where a test means to consume its signal behind the
/// poller's back, as a send's command processing can.
@Suite struct SocketPollerTests {
    /// Long enough that a wrong sleep is unmistakable, short enough to fail fast.
    private let patience = 3_000

    private struct Pair {
        let contexts = ZMQContext()
        let server: ZMQSocket
        let client: ZMQSocket
        let wakeUp: WakeUpSignal

        init(_ name: String) throws {
            server = try ZMQSocket(.router, contexts: contexts)
            _ = try server.bind("inproc://poller-\(name)")
            client = try ZMQSocket(.dealer, contexts: contexts)
            try client.connect("inproc://poller-\(name)")
            wakeUp = try WakeUpSignal()
        }

        func close() {
            client.close()
            server.close()
            wakeUp.release()
        }
    }

    /// Polls `socket` alone (plus the wake-up descriptor) and says how long it took.
    private func poll(
        _ poller: inout SocketPoller, _ socket: ZMQSocket, _ wakeUp: WakeUpSignal, timeout: Int
    ) -> Duration {
        let clock = ContinuousClock()
        return clock.measure {
            poller.poll(
                count: 1, socket: { _ in socket }, wantsToWrite: { _ in false }, wakeUp: wakeUp,
                timeoutMilliseconds: timeout)
        }
    }

    private func send(_ client: ZMQSocket, _ count: Int) {
        for index in 0..<count {
            #expect(client.send([[], [UInt8(index)]]) == .sent)
        }
    }

    /// One receive turn on `server`, as the loops take it; how many messages it read.
    private func receiveTurn(_ server: ZMQSocket) throws -> Int {
        var received = 0
        try server.receiveTurn(batch: 512) { () throws(TransportError) -> Bool in
            guard try server.receiveMessage() != nil else { return false }
            received += 1
            return true
        }
        return received
    }

    @Test func aMessageThatArrivesWhileTheThreadSleepsWakesIt() throws {
        let pair = try Pair("arrives")
        defer { pair.close() }
        var poller = SocketPoller()
        // Nothing yet: the first poll checks the fresh socket and sleeps its timeout.
        #expect(poll(&poller, pair.server, pair.wakeUp, timeout: 50) >= .milliseconds(40))
        #expect(!poller.isReadable(0))
        send(pair.client, 1)
        #expect(poll(&poller, pair.server, pair.wakeUp, timeout: patience) < .milliseconds(patience / 2))
        #expect(poller.isReadable(0))
        #expect(try receiveTurn(pair.server) == 1)
    }

    @Test func aTurnThatReadOneOfSeveralNeverSleepsOnTheRest() throws {
        let pair = try Pair("rest")
        defer { pair.close() }
        var poller = SocketPoller()
        // Sequential traffic first: a drained turn that found one message switches the
        // socket to one message per turn.
        for _ in 0..<3 {
            send(pair.client, 1)
            _ = poll(&poller, pair.server, pair.wakeUp, timeout: patience)
            #expect(try receiveTurn(pair.server) == 1)
        }
        // Then a burst of five, all queued before the next turn reads (inproc puts a
        // message in the pipe before send returns).
        send(pair.client, 5)
        var received = 0
        for _ in 0..<5 where received < 5 {
            let waited = poll(&poller, pair.server, pair.wakeUp, timeout: patience)
            #expect(waited < .milliseconds(patience / 2), "slept with \(5 - received) message(s) waiting")
            #expect(poller.isReadable(0))
            received += try receiveTurn(pair.server)
        }
        #expect(received == 5)
        // The burst switched it back to reading everything in one turn.
        send(pair.client, 4)
        _ = poll(&poller, pair.server, pair.wakeUp, timeout: patience)
        #expect(try receiveTurn(pair.server) == 4)
    }

    @Test func aSendDoesNotLeaveAWaitingReplyUnnoticed() throws {
        let pair = try Pair("send")
        defer { pair.close() }
        var poller = SocketPoller()
        send(pair.client, 1)
        // The client's thread checks its socket and finds nothing yet: its state is known.
        _ = poll(&poller, pair.client, pair.wakeUp, timeout: 0)
        #expect(!pair.client.needsEventCheck)
        // The reply arrives; then the client sends again. A send may process the
        // socket's commands and so consume the ZMQ_FD signal of that reply (simulated
        // here by zmq_poll, which does the same), so the poller must ask before it sleeps.
        let request = try #require(try pair.server.receiveMessage())
        #expect(pair.server.send([request[0], [], [42]]) == .sent)
        send(pair.client, 1)
        #expect(pair.client.needsEventCheck)
        var item = zmq_pollitem_t(socket: pair.client.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        #expect(zmq_poll(&item, 1, 0) == 1)
        let waited = poll(&poller, pair.client, pair.wakeUp, timeout: patience)
        #expect(waited < .milliseconds(patience / 2))
        #expect(poller.isReadable(0))
        #expect(try pair.client.receivePayload() == [42])
    }

    @Test func theWakeUpDescriptorEndsASleep() throws {
        let pair = try Pair("wake")
        defer { pair.close() }
        var poller = SocketPoller()
        _ = poll(&poller, pair.server, pair.wakeUp, timeout: 0)
        pair.wakeUp.signal()
        #expect(poll(&poller, pair.server, pair.wakeUp, timeout: patience) < .milliseconds(patience / 2))
        #expect(!poller.isReadable(0))
        // Drained by the poll: the next one sleeps again.
        #expect(poll(&poller, pair.server, pair.wakeUp, timeout: 50) >= .milliseconds(40))
    }

    /// A leading caller with one DEALER waits inside libzmq (`ZMQ_RCVTIMEO`) instead of
    /// polling: a reply that came before the wait, even one whose signal a send consumed,
    /// is returned at once; with none, the wait ends after its timeout with nil, and the
    /// socket's state is then known.
    @Test func aReceiveThatWaitsReturnsAWaitingReplyAtOnceAndNilAfterItsTimeout() throws {
        let pair = try Pair("waiting-receive")
        defer { pair.close() }
        let clock = ContinuousClock()
        var empty: ReceivedFrame?
        let waited = try clock.measure { empty = try pair.client.receivePayloadFrame(waitingUpTo: 30) }
        #expect(empty == nil)
        #expect(waited >= .milliseconds(25))
        #expect(!pair.client.needsEventCheck)

        send(pair.client, 1)
        let request = try #require(try pair.server.receiveMessage())
        #expect(pair.server.send([request[0], [], [7]]) == .sent)
        // The reply's signal consumed behind the socket's back, as a send can.
        var item = zmq_pollitem_t(socket: pair.client.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        #expect(zmq_poll(&item, 1, 0) == 1)
        var reply: ReceivedFrame?
        let tookReply = try clock.measure { reply = try pair.client.receivePayloadFrame(waitingUpTo: Int32(patience)) }
        #expect(reply?.array == [7])
        #expect(tookReply < .milliseconds(patience / 2))
        // A non-waiting receive afterwards still returns at once.
        #expect(try pair.client.receivePayloadFrame() == nil)
    }
}
