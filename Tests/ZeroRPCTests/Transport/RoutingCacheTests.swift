import CZeroMQ
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// A ROUTER reuses a known peer's `[id]` (`RoutingCache`): the routing it returns is the
/// same whether the peer was known or not, for every envelope shape, and a known peer's
/// array is shared from message to message instead of built again.
@Suite struct RoutingCacheTests {
    /// The next message's routing and payload bytes, waiting up to 10 s.
    private static func receive(_ socket: ZMQSocket) throws -> (routing: [[UInt8]], payload: [UInt8]) {
        var item = zmq_pollitem_t(socket: socket.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        _ = zmq_poll(&item, 1, 10_000)
        var unused: String?
        let (routing, payload) = try #require(try socket.receiveRoutedPayload(property: nil, value: &unused))
        return (routing, payload.array)
    }

    private static func storage(_ routing: [[UInt8]]) -> UnsafeRawPointer? {
        routing.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func everyEnvelopeShapeGivesTheSameRoutingKnownOrNot() throws {
        let router = try ZMQSocket(.router)
        let dealer = try ZMQSocket(.dealer)
        try dealer.setOption(ZMQ_ROUTING_ID, string: "abc")
        defer {
            dealer.close()
            router.close()
        }
        try dealer.connect(try router.bind(TestTransport.inproc.bindEndpoint()))
        let shapes: [(sent: [[UInt8]], routing: [[UInt8]])] = [
            ([[], [1]], [Array("abc".utf8)]),  // [id, "", payload]
            ([[2]], [Array("abc".utf8)]),  // [id, payload]: no delimiter
            ([[9], [], [3]], [Array("abc".utf8), [9]]),  // a longer envelope
            ([[9], [8], [4]], [Array("abc".utf8), [9], [8]]),  // no delimiter after it
            ([[], [], [5]], [Array("abc".utf8), []]),  // an empty frame after the delimiter
        ]
        // Each shape twice in a row and once more after the others: the peer unknown,
        // then known (its `[id]` cached by the first simple shape), in every order.
        for round in 0..<2 {
            for (sent, routing) in shapes {
                for _ in 0..<2 {
                    #expect(dealer.send(sent) == .sent)
                    let received = try Self.receive(router)
                    #expect(received.routing == routing, "round \(round), sent \(sent)")
                    #expect(received.payload == sent.last)
                }
            }
        }
    }

    @Test func aKnownPeersRoutingIsSharedAndPeersDoNotMix() throws {
        let router = try ZMQSocket(.router)
        defer { router.close() }
        let endpoint = try router.bind(TestTransport.inproc.bindEndpoint())
        // More peers than the cache has slots: some share a slot and replace each other.
        let dealers = try (0..<(RoutingCache.capacity + 8)).map { index in
            let dealer = try ZMQSocket(.dealer)
            try dealer.setOption(ZMQ_ROUTING_ID, string: "peer-\(index)")
            try dealer.connect(endpoint)
            return dealer
        }
        defer { for dealer in dealers { dealer.close() } }
        for round in 0..<3 {
            for (index, dealer) in dealers.enumerated() {
                #expect(dealer.send([[], [UInt8(index), UInt8(round)]]) == .sent)
                let first = try Self.receive(router)
                #expect(dealer.send([[], [UInt8(index)]]) == .sent)
                let second = try Self.receive(router)
                #expect(first.routing == [Array("peer-\(index)".utf8)])
                #expect(second.routing == first.routing)
                #expect(first.payload == [UInt8(index), UInt8(round)])
                // The second message found the first one's array: no new one was built.
                #expect(Self.storage(second.routing) == Self.storage(first.routing))
            }
        }
    }
}
