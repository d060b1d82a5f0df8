import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// Replies several to a message (`ProtocolExtension.batch`): the replies a server's turn
/// makes for a client that reads batches go out together (`HeldReplies`); a client
/// reads each reply of such a message on its own; a broker keeps the route of every
/// call a message ends.
@Suite struct ReplyBatchTests {
    static let routing: [[UInt8]] = [Array("peer-1".utf8)]

    static func reply(_ id: Int, bytes: Int = 20) -> [UInt8] {
        EventEncoder.encode(
            responseTo: encoded(.int(Int64(id)))[...], name: EventName.ok,
            arguments: encoded([.string(String(repeating: "r", count: bytes))]))
    }

    // MARK: Held replies

    @Test func oneHeldReplyGoesOutAsItIs() {
        var held = HeldReplies()
        let reply = Self.reply(1)
        held.add(reply, for: Self.routing)
        #expect(held.routing == Self.routing)
        let payload = held.takePayload()
        #expect(payload == reply)
        #expect(held.isEmpty)
    }

    @Test func severalHeldRepliesGoOutBackToBackInOrder() throws {
        var held = HeldReplies()
        let replies = (1...5).map { Self.reply($0) }
        for reply in replies {
            #expect(held.isEmpty || held.canAdd(reply, for: Self.routing))
            held.add(reply, for: Self.routing)
        }
        #expect(held.count == 5)
        let payload = held.takePayload()
        #expect(payload == Array(replies.joined()))
        #expect(
            try StreamBatchTests.events(in: payload).map { $0.responseTo.map(Array.init) }
                == (1...5).map { encoded(.int(Int64($0))) })
        #expect(held.isEmpty)
        // The batch's storage serves the next batch, which holds only its own replies.
        let next = [Self.reply(6), Self.reply(7)]
        for reply in next { held.add(reply, for: Self.routing) }
        #expect(held.takePayload() == next[0] + next[1])
    }

    @Test func aReplyForAnotherPeerOrPastTheLimitCannotJoin() {
        var held = HeldReplies()
        held.add(Self.reply(1), for: Self.routing)
        #expect(held.canAdd(Self.reply(2), for: Self.routing))
        #expect(!held.canAdd(Self.reply(2), for: [Array("peer-2".utf8)]))
        #expect(!held.canAdd(Self.reply(2, bytes: HeldReplies.byteLimit), for: Self.routing))
    }

    // MARK: The server's side

    /// 200 requests sent at once from a client that announced `batch` come back with
    /// several replies in a message; from one whose `ext` lacks it (an older
    /// zerorpc-swift), one reply a message. Either way each call gets its own sum once.
    @Test(arguments: [true, false])
    func theServerBatchesRepliesOnlyForAClientThatAnnouncedIt(announcesBatches: Bool) async throws {
        let fixture = try ServerFixture(.tcp) { try $0.register(Calculator()) }
        let peer = try RawPeer(.dealer, connect: fixture.endpoint, answersHeartbeats: true)
        let names = ProtocolExtension.all.filter { announcesBatches || $0 != ProtocolExtension.batch }
        let header: [(key: String, value: [UInt8])] = [("ext", encoded(.array(names.map { .string($0) })))]
        let count = 200
        let ids = (0..<count).map { _ in MessageIDGenerator.shared.next() }
        await peer.sendPayloadsOnThread(
            ids.indices.map { index in
                EventEncoder.encode(
                    messageID: ids[index], responseTo: nil, extraHeader: header, name: "calc.add",
                    arguments: encoded([.int(Int64(index)), .int(1000)]))
            })
        var sums: [[UInt8]: MessagePackValue] = [:]
        var largestMessage = 0
        while sums.count < count, let frames = await peer.receive(), let payload = frames.last {
            let replies = try StreamBatchTests.events(in: payload).filter { $0.kind != .heartbeat }
            largestMessage = max(largestMessage, replies.count)
            for reply in replies {
                let id = try #require(reply.responseTo.map(Array.init))
                #expect(reply.kind == .ok)
                #expect(sums.updateValue(try StreamBatchTests.argument(reply), forKey: id) == nil, "a second reply")
            }
        }
        #expect(sums.count == count)
        for (index, id) in ids.enumerated() { #expect(sums[id] == [.int(Int64(index + 1000))]) }
        if announcesBatches {
            #expect(largestMessage > 1, "\(count) requests at once got one reply a message")
            #expect(largestMessage <= HeldReplies.countLimit)
        } else {
            #expect(largestMessage == 1)
        }
        await fixture.close()
    }

    // MARK: The client's side

    /// A server (raw) that answers two calls in one message, the later call first: each
    /// call gets its own result.
    @Test func aClientFinishesEveryCallAMessageAnswers() async throws {
        let server = try RawPeer(.router, bind: "tcp://127.0.0.1:0")
        let client = try Client(connect: [server.endpoint], options: .init(heartbeatInterval: .seconds(60)))
        let first = Task { try await client.call("first", [], options: .within(TestTiming.patient(.seconds(30)))) }
        let firstRequest = try #require(await server.receiveSkippingHeartbeats())
        let second = Task { try await client.call("second", [], options: .within(TestTiming.patient(.seconds(30)))) }
        let secondRequest = try #require(await server.receiveSkippingHeartbeats())
        server.send([
            firstRequest[0], [],
            try RawPeer.okReply(answering: secondRequest, with: "two")
                + RawPeer.okReply(answering: firstRequest, with: "one"),
        ])
        #expect(try await first.value == "one")
        #expect(try await second.value == "two")
        await client.close()
    }

    // MARK: A broker between them

    /// A server (raw, attached to a broker's backend) that answers two calls in one
    /// message: both calls end, and so do both of the broker's routes.
    @Test func aBrokerEndsTheRouteOfEveryReplyInAMessage() async throws {
        // Silent routes expire after three heartbeat periods: far past the wait below.
        let broker = try Broker(
            frontend: "tcp://127.0.0.1:0", backend: "tcp://127.0.0.1:0",
            options: BrokerOptions(heartbeatInterval: .seconds(60)))
        let server = try RawPeer(.dealer, connect: broker.backendEndpoint)
        server.send([[]])  // the announcement a ZMQ_PROBE_ROUTER DEALER sends
        try await waitUntil { broker.serverCount == 1 }
        let client = try Client(connect: [broker.frontendEndpoint], options: .init(heartbeatInterval: .seconds(60)))
        let calls = ["a", "b"].map { name in
            Task { try await client.call(name, [], options: .within(TestTiming.patient(.seconds(30)))) }
        }
        var requests: [[[UInt8]]] = []
        for _ in 0..<2 { requests.append(try #require(await server.receiveSkippingHeartbeats())) }
        try await waitUntil { broker.openChannelCount == 2 }
        // `[client, "", payload]`: the routing frames go back in front of the batch.
        var batch: [UInt8] = []
        for frames in requests {
            let request = try EventEnvelope(decoding: try #require(frames.last))
            batch += EventEncoder.encode(
                responseTo: request.messageID, name: EventName.ok, arguments: encoded([.string(request.name)]))
        }
        server.send(Array(requests[0].dropLast()) + [batch])
        #expect(try await calls[0].value == "a")
        #expect(try await calls[1].value == "b")
        try await waitUntil { broker.openChannelCount == 0 }
        await client.close()
        await broker.close()
    }
}
