import CZeroMQ
import Foundation
import Synchronization
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// A received payload of `ZMQSocket.inPlaceThreshold` bytes or more stays in ZeroMQ's
/// message: the envelope copies only its header and name, and a large `bin` argument
/// becomes a `Data` pointing into the message. These tests check the bytes, that writing
/// to such a `Data` never changes the message under other readers, that each message is
/// closed exactly once and only after its last reader and `Data` let go, and that large
/// malformed input is still answered with an ERR.
@Suite struct ReceivedInPlaceTests {
    private final class Closes: Sendable {
        let count = Atomic<Int>(0)
        var value: Int { count.load(ordering: .relaxed) }
        func observe(_ socket: ZMQSocket) {
            socket.receivedMessageClosed = { [self] in count.add(1, ordering: .relaxed) }
        }
    }

    private static func bytes(_ size: Int, seed: UInt8) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 131) ^ seed }
    }

    /// A request event whose args are `[bin]`.
    private static func request(
        carrying blob: [UInt8], messageID: [UInt8] = MessageIDGenerator.shared.next()
    ) -> [UInt8] {
        var writer = MessagePackWriter()
        writer.writeArrayHeader(1)
        blob.withUnsafeBytes { writer.writeBinary($0) }
        return EventEncoder.encode(messageID: messageID, responseTo: nil, name: "echo", arguments: writer.bytes)
    }

    /// A connected DEALER → ROUTER pair over `transport`, the ROUTER observed.
    private static func pair(_ transport: TestTransport) throws -> (ZMQSocket, ZMQSocket, Closes) {
        let router = try ZMQSocket(.router)
        let dealer = try ZMQSocket(.dealer)
        try dealer.connect(try router.bind(transport.bindEndpoint()))
        let closes = Closes()
        closes.observe(router)
        return (router, dealer, closes)
    }

    /// The next message's envelope and payload, waiting up to 10 s.
    private static func receive(_ socket: ZMQSocket) throws -> (routing: [[UInt8]], payload: ReceivedFrame) {
        var item = zmq_pollitem_t(socket: socket.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        _ = zmq_poll(&item, 1, 10_000)
        var unused: String?
        return try #require(try socket.receiveRoutedPayload(property: nil, value: &unused))
    }

    @Test(arguments: [TestTransport.tcp, .inproc])
    func aLargeArgumentIsReadInPlaceAndTheMessageClosedOnceAfterItsLastReader(_ transport: TestTransport) throws {
        let (router, dealer, closes) = try Self.pair(transport)
        defer {
            dealer.close()
            router.close()
        }
        let blob = Self.bytes(ZMQSocket.inPlaceThreshold * 8, seed: 3)
        #expect(dealer.send(routing: [], payload: Self.request(carrying: blob)) == .sent)

        var data: Data
        do {
            let received = try Self.receive(router)
            guard case .message(let message) = received.payload else {
                Issue.record("a \(blob.count)-byte payload was copied, not kept in place")
                return
            }
            let event = try EventEnvelope(decoding: received.payload)
            #expect(event.name == "echo")
            // Only the header and name were copied out of the message.
            #expect(event.payload.count == event.argumentsRange.lowerBound)
            #expect(event.payload.count < 100)
            var reader = event.argumentsReader()
            #expect(try reader.readArrayHeader() == 1)
            data = try reader.readBytes()
            #expect(Array(data) == blob)
            let inMessage = data.withUnsafeBytes { shared in
                message.bytes.baseAddress.map { base in
                    shared.baseAddress.map { $0 >= base && $0 < base + message.bytes.count } ?? false
                } ?? false
            }
            #expect(inMessage, "the Data was copied out of the message")

            // Writing to the Data copies it first: the message's bytes stay as received.
            data[0] ^= 0xff
            data[data.count - 1] ^= 0xff
            var again = event.argumentsReader()
            _ = try again.readArrayHeader()
            #expect(Array(try again.readBytes()) == blob)
            #expect(closes.value == 0)
        }
        // The envelope and readers are gone; the Data is a copy by now, so the message
        // has no reader left and was closed, once.
        #expect(closes.value == 1)
        #expect(data.first == blob[0] ^ 0xff)
    }

    @Test func aSharedDataKeepsTheMessageOpenUntilItIsDropped() throws {
        let (router, dealer, closes) = try Self.pair(.tcp)
        defer {
            dealer.close()
            router.close()
        }
        let blob = Self.bytes(ZMQSocket.inPlaceThreshold, seed: 9)
        #expect(dealer.send(routing: [], payload: Self.request(carrying: blob)) == .sent)
        var kept: Data? = try {
            let event = try EventEnvelope(decoding: try Self.receive(router).payload)
            var reader = event.argumentsReader()
            _ = try reader.readArrayHeader()
            return try reader.readBytes()
        }()
        #expect(closes.value == 0)
        #expect(kept.map(Array.init) == blob)
        // Its only reference now: a write goes in place, to memory nobody else reads.
        kept?[1] ^= 0xff
        #expect(kept?[1] == blob[1] ^ 0xff)
        kept = nil
        #expect(closes.value == 1)
    }

    @Test func payloadsBelowTheThresholdAreCopiedAndFromItOnKeptInPlace() throws {
        let (router, dealer, closes) = try Self.pair(.tcp)
        defer {
            dealer.close()
            router.close()
        }
        let below = Self.bytes(ZMQSocket.inPlaceThreshold - 1, seed: 4)
        #expect(dealer.send(routing: [], payload: below) == .sent)
        guard case .bytes(let copied) = try Self.receive(router).payload else {
            Issue.record("a payload below the threshold was kept in place")
            return
        }
        #expect(copied == below)

        let at = Self.bytes(ZMQSocket.inPlaceThreshold, seed: 6)
        #expect(dealer.send(routing: [], payload: at) == .sent)
        guard case .message(let message) = try Self.receive(router).payload else {
            Issue.record("a payload of the threshold's size was copied")
            return
        }
        #expect(Array(message.bytes) == at)
        #expect(closes.value == 0)
        _ = consume message
        #expect(closes.value == 1)
    }

    /// End to end: large arguments and results both ways, a handler that writes to its
    /// argument, and large malformed events, which get an ERR while the server serves on.
    @Test func largeCallsRoundTripAndLargeMalformedEventsAreAnswered() async throws {
        let fixture = try ServerFixture(.tcp) { server in
            try server.register(name: "flip") { arguments, _ in
                guard case .binary(var data) = arguments.first else { return .nil }
                data[0] ^= 0xff  // the argument's bytes are shared with the message
                return .array([.binary(data), arguments[0]])
            }
        }
        let blob = Data(Self.bytes(300_000, seed: 5))
        for _ in 0..<3 {
            let reply = try await fixture.client.call("flip", [.binary(blob)], options: .within(.seconds(30)))
            var flipped = blob
            flipped[0] ^= 0xff
            #expect(reply == .array([.binary(flipped), .binary(blob)]))
        }

        let peer = try RawPeer(.dealer, connect: fixture.endpoint, answersHeartbeats: true)
        // Trailing bytes after a large event: a ProtocolError naming the request.
        let trailing = MessageIDGenerator.shared.next()
        peer.sendPayload(Self.request(carrying: Self.bytes(100_000, seed: 1), messageID: trailing) + [0xc0])
        let answer = await peer.receiveReply()
        #expect(answer?.name == "ERR")
        #expect(answer?.responseToArray == trailing)
        #expect(answer?.arguments?.arrayValue?.first == .string("ProtocolError"))
        // A bin whose length runs past the end of a large message: also a ProtocolError.
        let cut = MessageIDGenerator.shared.next()
        var truncated = Self.request(carrying: Self.bytes(100_000, seed: 2), messageID: cut)
        truncated.removeLast(10)
        peer.sendPayload(truncated)
        let second = await peer.receiveReply()
        #expect(second?.responseToArray == cut)
        #expect(second?.arguments?.arrayValue?.first == .string("ProtocolError"))

        let small = try await fixture.client.call("flip", [.binary(Data([1]))])
        #expect(small == .array([.binary(Data([0xfe])), .binary(Data([1]))]))
        await fixture.close()
    }

    /// A large event decoded in place (`ReceivedFrame.message`: the header and name copied,
    /// args checked in the message) decodes exactly as its copy does, valid or not: the
    /// same name, ranges and args, or the same error. Mutations hit the header, the name
    /// and the start of the args; truncations and trailing bytes hit the end.
    @Test func anEventDecodesTheSameInPlaceAsCopiedWhateverItsBytes() throws {
        var random = SplitMix64(seed: 0x5eed)
        let valid = Self.request(carrying: Self.bytes(ZMQSocket.inPlaceThreshold + 100, seed: 8))
        var cases: [[UInt8]] = [valid, valid + [0xc0], Array(valid.dropLast(1)), Array(valid.dropLast(200))]
        for _ in 0..<300 {
            var bytes = valid
            for _ in 0..<Int(random.next() % 3 + 1) {
                let position = Int(random.next() % 90)
                bytes[position] = UInt8(truncatingIfNeeded: random.next())
            }
            cases.append(bytes)
        }
        for bytes in cases {
            var message = zmq_msg_t()
            #expect(zmq_msg_init_size(&message, bytes.count) == 0)
            bytes.withUnsafeBytes { zmq_msg_data(&message).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
            let inPlace = Result { () throws(MalformedEvent) in
                try EventEnvelope(decoding: ReceivedFrame.message(ReceivedMessage(taking: &message)))
            }
            zmq_msg_close(&message)
            let copied = Result { () throws(MalformedEvent) in try EventEnvelope(decoding: bytes) }
            switch (inPlace, copied) {
            case (.success(let a), .success(let b)):
                #expect(a.name == b.name)
                #expect(a.messageIDRange == b.messageIDRange && Array(a.messageID) == Array(b.messageID))
                #expect(a.argumentsRange == b.argumentsRange && a.headerRange == b.headerRange)
                #expect(a.argumentBytes == b.argumentBytes)
                #expect(a.extraHeaderFields == b.extraHeaderFields)
            case (.failure(let a), .failure(let b)):
                #expect(a.reason == b.reason && a.messageID == b.messageID && a.name == b.name)
            default:
                Issue.record("in place: \(inPlace), copied: \(copied)")
            }
        }
    }
}
