import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// Several events in one message (`ProtocolExtension.batch`): a server sends a stream's
/// items to a client that announced it in batches of whole events, back to back; a
/// client reads every event of a message, in order, each on its own.
@Suite struct StreamBatchTests {
    static let channelID: ArraySlice<UInt8> = encoded(42)[...]

    /// The events of one message, in order; fails on bytes that are not whole events.
    static func events(in payload: [UInt8]) throws -> [EventEnvelope] {
        var events: [EventEnvelope] = []
        var start = 0
        while start < payload.count {
            let event = try EventEnvelope(decoding: payload, from: start, followingEvents: true)
            start = event.argumentsRange.upperBound
            events.append(event)
        }
        return events
    }

    static func argument(_ event: EventEnvelope) throws -> MessagePackValue {
        var reader = event.argumentsReader()
        return try reader.read(MessagePackValue.self)
    }

    // MARK: The server's side

    @Test func anOutboxSendsRunsOfWholeEventsUpToItsLimit() throws {
        let outbox = StreamOutbox(batchBytes: 300)
        let big = String(repeating: "x", count: 500)
        let items: [MessagePackValue] = (0..<20).map { .int($0) } + [.string(big)] + (20..<40).map { .int($0) }
        for item in items { _ = outbox.append(item, responseTo: Self.channelID) }
        var messages: [[UInt8]] = []
        outbox.send { messages.append(Array($0)) }
        let perMessage = try messages.map { try Self.events(in: $0) }
        #expect(try perMessage.joined().map(Self.argument) == items)
        #expect(perMessage.allSatisfy { $0.allSatisfy { $0.kind == .stream && $0.responseTo == Self.channelID } })
        for (message, events) in zip(messages, perMessage) {
            // Over the limit only an event too large for any batch, and then alone.
            #expect(message.count <= 300 || events.count == 1)
        }
        #expect(perMessage.contains { $0.count > 1 }, "small items share messages")
        // The large item went alone, and its neighbours in messages of their own.
        #expect(perMessage.contains { $0.count == 1 && (try? Self.argument($0[0])) == .string(big) })
    }

    @Test func anOutboxWithoutALimitSendsOneEventAMessage() throws {
        let outbox = StreamOutbox()
        for item in 0..<50 { _ = outbox.append(Int64(item), responseTo: Self.channelID) }
        var messages: [[UInt8]] = []
        outbox.send { messages.append(Array($0)) }
        #expect(messages.count == 50)
        #expect(try messages.map { try Self.argument(EventEnvelope(decoding: $0)) } == (0..<50).map { .int($0) })
    }

    /// A client that announced `batch` gets several items a message once it grants
    /// credit for many; one whose `ext` lacks it (an older zerorpc-swift) gets one event
    /// a message. Either way every item arrives once, in order.
    @Test(arguments: [true, false])
    func theServerBatchesOnlyForAClientThatAnnouncedIt(announcesBatches: Bool) async throws {
        let service = CountingCalculator()
        let fixture = try ServerFixture(.tcp) { try $0.register(service) }
        let peer = try RawPeer(.dealer, connect: fixture.endpoint, answersHeartbeats: true)
        let names = ProtocolExtension.all.filter { announcesBatches || $0 != ProtocolExtension.batch }
        let channel = MessageIDGenerator.shared.next()
        peer.sendPayload(
            EventEncoder.encode(
                messageID: channel, responseTo: nil,
                extraHeader: [("ext", encoded(.array(names.map { .string($0) })))], name: "calc.count",
                arguments: encoded([.int(500)])))
        peer.sendGrant(.int(1000), on: channel)
        var items: [MessagePackValue] = []
        var largestMessage = 0
        while let frames = await peer.receive(), let payload = frames.last {
            let events = try Self.events(in: payload)
            let streamed = events.filter { $0.kind == .stream }
            largestMessage = max(largestMessage, streamed.count)
            items += try streamed.map(Self.argument)
            #expect(events.allSatisfy { $0.responseTo.map(Array.init) == channel })
            if events.contains(where: { $0.kind == .streamDone }) { break }
        }
        #expect(items == (1...500).map { .int($0) })
        if announcesBatches {
            #expect(largestMessage > 1, "500 credited items went out one a message")
        } else {
            #expect(largestMessage == 1)
        }
        await fixture.close()
    }

    // MARK: The client's side

    /// A server (raw) that sends a stream's events several to a message, with a
    /// heartbeat among the items and a malformed tail after one: the client yields every
    /// item in order, drops only the malformed bytes, and ends at `STREAM_DONE`. Run with
    /// the extension announcement first (the consumer then takes items where they arrive)
    /// and without (every event through the I/O thread's general path).
    @Test(arguments: [true, false])
    func aClientReadsEveryEventOfABatch(announces: Bool) async throws {
        let server = try RawPeer(.router, bind: "tcp://127.0.0.1:0")
        let client = try Client(connect: [server.endpoint], options: .init(heartbeatInterval: .seconds(5)))
        let iteration = Task {
            var items: [MessagePackValue] = []
            for try await item in try await client.stream("numbers", [], options: .within(.seconds(30))) {
                items.append(item)
            }
            return items
        }
        let frames = try #require(await server.receive())
        let request = try EventEnvelope(decoding: try #require(frames.last))
        let channel = request.messageID
        func item(_ n: Int64) -> [UInt8] { StreamEvents.item(n, responseTo: channel) }
        if announces {
            server.send([frames[0], [], StreamEvents.extensionAnnouncement(responseTo: channel)])
        }
        server.send([frames[0], [], item(1) + item(2) + item(3)])
        server.send([frames[0], [], item(4) + EventEncoder.heartbeat(responseTo: channel) + item(5) + item(6)])
        server.send([frames[0], [], item(7) + [0x93, 0xc1]])  // a malformed second event
        server.send([frames[0], [], item(8) + StreamEvents.done(responseTo: channel)])
        #expect(try await iteration.value == (1...8).map { .int($0) })
        await client.close()
    }
}
