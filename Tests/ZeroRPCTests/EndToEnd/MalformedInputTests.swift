import Testing

@testable import ZeroRPC

/// Each test sends something broken from a raw DEALER, then a valid `add`: the first
/// reply must be the ERR the broken message deserves or, when it deserves none, the OK of
/// the `add` — proving the server neither answered nor wedged.
@Suite struct MalformedInputTests {
    struct Harness {
        let server: Server
        let peer: RawPeer

        init() throws {
            // Long heartbeat periods, and a peer that answers them: on a busy machine the
            // test's task may wait for a CPU for seconds, and the server would abandon the
            // call of a peer it thinks silent.
            server = Server(options: .init(heartbeatInterval: .seconds(10)))
            try UnaryCallTests.registerAdd(server)
            peer = try RawPeer(
                .dealer, connect: try server.bind(TestTransport.inproc.bindEndpoint()), answersHeartbeats: true)
        }

        /// Sends a valid add and expects its OK as the next reply.
        func expectStillServing(sourceLocation: SourceLocation = #_sourceLocation) async {
            let id = peer.sendRequest("add", arguments: encoded([1, 2]))
            let reply = await peer.receiveReply()
            #expect(reply?.name == "OK", sourceLocation: sourceLocation)
            #expect(reply?.responseToArray == id, sourceLocation: sourceLocation)
            #expect(reply?.arguments == [3], sourceLocation: sourceLocation)
        }

        func expectError(named name: String, for id: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) async {
            let reply = await peer.receiveReply()
            #expect(reply?.name == "ERR", sourceLocation: sourceLocation)
            #expect(reply?.responseToArray == id, sourceLocation: sourceLocation)
            #expect(reply?.arguments?[0] == .string(name), sourceLocation: sourceLocation)
        }
    }

    static let id = MessageIDGenerator.shared.next()
    static let header: [UInt8] = [0x82] + encoded("message_id") + id + encoded("v") + [0x03]

    @Test func payloadThatIsNotMsgpackIsDroppedAndServingGoesOn() async throws {
        let harness = try Harness()
        harness.peer.sendPayload([0xc1, 0xff, 0x00])
        harness.peer.sendPayload([])
        await harness.expectStillServing()
        await harness.server.close()
    }

    @Test func wrongElementCountIsDropped() async throws {
        let harness = try Harness()
        harness.peer.sendPayload([0x94] + Self.header + encoded("add") + encoded([1, 2]) + [0xc0])
        harness.peer.sendPayload([0x92] + Self.header + encoded("add"))
        await harness.expectStillServing()
        await harness.server.close()
    }

    @Test func missingDelimiterAndExtraFramesStillGetAnAnswer() async throws {
        let harness = try Harness()
        let request = [0x93] + Self.header + encoded("add") + encoded([2, 2])
        harness.peer.send([request])  // no empty delimiter
        let reply = await harness.peer.receiveReply()
        #expect(reply?.name == "OK")
        #expect(reply?.arguments == [4])
        harness.peer.send([[0x01], [], request])  // an extra routing frame
        let frames = await harness.peer.receive()
        #expect(frames?.count == 3)
        #expect(frames?.first == [0x01])
        await harness.expectStillServing()
        await harness.server.close()
    }

    @Test func headerThatIsNotAMapIsDropped() async throws {
        let harness = try Harness()
        harness.peer.sendPayload([0x93, 0x91, 0x01] + encoded("add") + encoded([1, 2]))
        await harness.expectStillServing()
        await harness.server.close()
    }

    @Test func headerWithoutMessageIDIsDropped() async throws {
        let harness = try Harness()
        harness.peer.sendPayload([0x93, 0x81] + encoded("v") + [0x03] + encoded("add") + encoded([1, 2]))
        await harness.expectStillServing()
        await harness.server.close()
    }

    @Test func argumentsThatAreNotAnArrayAreTypeError() async throws {
        let harness = try Harness()
        harness.peer.sendPayload([0x93] + Self.header + encoded("add") + encoded(5))
        await harness.expectError(named: "TypeError", for: Self.id)
        await harness.expectStillServing()
        await harness.server.close()
    }

    @Test func nameThatIsNotAStringIsAnError() async throws {
        let harness = try Harness()
        harness.peer.sendPayload([0x93] + Self.header + [0xc4, 0x03] + Array("add".utf8) + encoded([1, 2]))
        await harness.expectError(named: "ProtocolError", for: Self.id)
        await harness.expectStillServing()
        await harness.server.close()
    }

    @Test func hugeClaimedSizesAreRefusedWithoutAllocating() async throws {
        let harness = try Harness()
        harness.peer.sendPayload([0x93] + Self.header + encoded("add") + [0xdd, 0xff, 0xff, 0xff, 0xff, 0x01])
        await harness.expectError(named: "ProtocolError", for: Self.id)
        harness.peer.sendPayload([0xdd, 0xff, 0xff, 0xff, 0xff])
        harness.peer.sendPayload([0x93, 0xdf, 0x7f, 0xff, 0xff, 0xff])
        await harness.expectStillServing()
        await harness.server.close()
    }

    /// Channel events sent as requests are never run as calls; they get an ERR, since
    /// their message_id is readable (issue 17: answer wherever the id is known).
    @Test func protocolEventsOutsideAChannelAreNeverCalls() async throws {
        let harness = try Harness()
        let heartbeat = harness.peer.sendRequest("_zpc_hb", arguments: encoded([0]))
        await harness.expectError(named: "ProtocolError", for: heartbeat)
        let more = harness.peer.sendRequest("_zpc_more", arguments: encoded([10]))
        await harness.expectError(named: "ProtocolError", for: more)
        let stray = EventEncoder.encode(
            messageID: MessageIDGenerator.shared.next(), responseTo: MessageIDGenerator.shared.next()[...], name: "add",
            arguments: encoded([1, 2]))
        harness.peer.sendPayload(stray)  // response_to of no open channel
        await harness.expectStillServing()
        await harness.server.close()
    }

    @Test func unknownEventNameIsNameError() async throws {
        let harness = try Harness()
        let id = harness.peer.sendRequest("STREAM_DONE", arguments: [0x90])
        await harness.expectError(named: "NameError", for: id)
        await harness.server.close()
    }

    @Test(arguments: [
        encoded("a-str-id"),  // zerorpc-node style
        encoded(7),  // an int, which Python accepts too
        [0xd9, 0x03] + Array("abc".utf8),  // str8 where fixstr would do: echoed as sent
    ])
    func responseToEchoesTheIdByteForByte(_ id: [UInt8]) async throws {
        let harness = try Harness()
        harness.peer.sendRequest("add", arguments: encoded([1, 1]), messageID: id)
        let reply = await harness.peer.receiveReply()
        #expect(reply?.responseToArray == id)
        #expect(reply?.messageIDArray != id)
        #expect(reply?.version == 3)
        await harness.server.close()
    }
}
