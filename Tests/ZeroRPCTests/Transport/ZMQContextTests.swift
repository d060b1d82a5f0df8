import CZeroMQ
import Testing

@testable import ZeroRPC

/// The leased ZeroMQ context: one live context while any socket is open, terminated
/// when the last one closes. Uses a private `ZMQContext`, not the shared one other
/// tests run on in parallel.
@Suite struct ZMQContextTests {
    @Test func socketsShareOneContextAndTheLastCloseTerminatesIt() throws {
        let contexts = ZMQContext()
        let server = try ZMQSocket(.router, contexts: contexts)
        let endpoint = try server.bind("inproc://context-lease")
        let client = try ZMQSocket(.dealer, contexts: contexts)
        try client.connect(endpoint)
        #expect(contexts.leaseCount == 2)

        #expect(client.send([[], [1, 2, 3]]) == .sent)
        var received: [[UInt8]]?
        var item = zmq_pollitem_t(socket: server.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        #expect(zmq_poll(&item, 1, 5000) == 1, "inproc works only within one context")
        received = try server.receiveMessage()
        #expect(received?.last == [1, 2, 3])

        client.close()
        client.close()
        #expect(contexts.leaseCount == 1, "closing twice gives the lease back once")
        #expect(contexts.terminationCount == 0)
        server.close()
        #expect(contexts.leaseCount == 0)
        #expect(contexts.terminationCount == 1)

        let later = try ZMQSocket(.dealer, contexts: contexts)
        #expect(contexts.leaseCount == 1, "a socket after termination gets a fresh context")
        later.close()
        #expect(contexts.terminationCount == 2)
    }

    @Test func terminationWaitsForLingeringMessagesOnlyUpToTheLinger() async throws {
        let contexts = ZMQContext()
        // The close blocks for the linger: on a thread of its own.
        let (sent, waited) = try await onOwnThread {
            let client = try ZMQSocket(.dealer, contexts: contexts)
            try client.connect("tcp://127.0.0.1:9")  // nobody listens: the message can never go
            let sent = client.send([[], [42]])
            try client.setOption(ZMQ_LINGER, 200)
            let started = ContinuousClock.now
            client.close()
            return (sent, started.duration(to: .now))
        }
        #expect(sent == .sent)
        #expect(contexts.terminationCount == 1)
        #expect(waited < .seconds(5), "zmq_ctx_term waited \(waited)")
    }
}
