import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// `ext` announcement and the `"oneway": true` header (DESIGN.md, "Extensions are
/// announced, never assumed").
@Suite struct ProtocolExtensionTests {
    private static let addArguments = encoded([2, 3])

    private func requestPayload(
        _ name: String, arguments: [UInt8], header: [(key: String, value: [UInt8])]
    ) -> (messageID: [UInt8], payload: [UInt8]) {
        let messageID = MessageIDGenerator.shared.next()
        return (
            messageID,
            EventEncoder.encode(
                messageID: messageID, responseTo: nil, extraHeader: header, name: name, arguments: arguments)
        )
    }

    @Test func serverAnnouncesItsExtensionsOnlyToRequestsThatCarryExt() async throws {
        let calculator = Calculator()
        let fixture = try ServerFixture { try $0.register(calculator) }
        defer { Task { await fixture.close() } }
        let peer = try RawPeer(.dealer, connect: fixture.endpoint, answersHeartbeats: true)

        let stock = requestPayload("calc.add", arguments: Self.addArguments, header: [])
        peer.sendPayload(stock.payload)
        let stockReply = try #require(await peer.receiveReply())
        #expect(stockReply.name == "OK")
        #expect(stockReply.announcedExtensions == nil, "a stock client must never receive ext")

        let ours = requestPayload("calc.add", arguments: Self.addArguments, header: ProtocolExtension.requestHeader)
        peer.sendPayload(ours.payload)
        let oursReply = try #require(await peer.receiveReply())
        #expect(oursReply.responseToArray == ours.messageID)
        #expect(oursReply.announcedExtensions == Set(ProtocolExtension.all))

        let unknown = requestPayload("calc.nope", arguments: encoded([]), header: ProtocolExtension.requestHeader)
        peer.sendPayload(unknown.payload)
        let errorReply = try #require(await peer.receiveReply())
        #expect(errorReply.name == "ERR")
        #expect(errorReply.announcedExtensions == Set(ProtocolExtension.all))
    }

    @Test func flaggedOnewayRequestGetsNoReplyAndStillRuns() async throws {
        let calculator = Calculator()
        calculator.logGate.open()
        let fixture = try ServerFixture { try $0.register(calculator) }
        defer { Task { await fixture.close() } }
        let peer = try RawPeer(.dealer, connect: fixture.endpoint, answersHeartbeats: true)

        let flagged = requestPayload(
            "calc.log", arguments: encoded(["quiet"]), header: ProtocolExtension.flaggedOnewayHeader)
        peer.sendPayload(flagged.payload)
        await calculator.logged.wait(untilAtLeast: 1)
        #expect(calculator.loggedLines.recorded == ["quiet"])

        // The next event on the socket answers the ping sent after the one-way call:
        // nothing was sent for the one-way call itself.
        let ping = peer.sendRequest("_zerorpc_ping", arguments: encoded([]))
        let reply = try #require(await peer.receiveReply())
        #expect(reply.responseToArray == ping)
        #expect(reply.name == "OK")
    }

    @Test func clientLearnsTheServerSpeaksOnewayThenStopsWaitingForOK() async throws {
        let headers = TestRecorder<MessagePackValue>()
        let ran = TestCounter()
        let fixture = try ServerFixture { server in
            try server.register(OnewayProbe(headers: headers, ran: ran))
        }
        defer { Task { await fixture.close() } }
        #expect(fixture.client.peers.knowledge == .unknown)

        try await fixture.client.oneway("probe", options: .defaults) { $0.writeArrayHeader(0) }
        await ran.wait(untilAtLeast: 1)
        #expect(fixture.client.peers.knowledge == .announced(Set(ProtocolExtension.all)))

        try await fixture.client.oneway("probe", options: .defaults) { $0.writeArrayHeader(0) }
        await ran.wait(untilAtLeast: 2)
        let onewayFlags = headers.recorded.map { $0["oneway"] }
        #expect(onewayFlags == [nil, .bool(true)], "the first call awaits OK, the second is flagged")
    }

    @Test func receivedExtNamesDecodeLeniently() {
        #expect(ProtocolExtension.decode(nil).isEmpty)
        #expect(
            ProtocolExtension.decode(ArraySlice(encoded(["oneway", "future-thing"]))) == ["oneway", "future-thing"])
        #expect(ProtocolExtension.decode(ArraySlice(encoded(7))).isEmpty)
        #expect(ProtocolExtension.decode(ArraySlice(encoded(["oneway", 3, "close"]))) == ["oneway"])
    }

    @Test func combinedKnowledgeNeedsEveryEndpoint() {
        let peers = PeerExtensions(connectionCount: 2)
        peers.learn(connection: 0, names: ["oneway", "close"])
        #expect(peers.knowledge == .unknown)
        peers.learn(connection: 1, names: ["oneway"])
        #expect(peers.knowledge == .announced(["oneway"]))
        #expect(!peers.learn(connection: 1, names: nil), "a connection is learnt once")

        let mixed = PeerExtensions(connectionCount: 2)
        mixed.learn(connection: 1, names: nil)
        #expect(mixed.knowledge == .stock)
        mixed.learn(connection: 0, names: ["oneway"])
        #expect(mixed.knowledge == .stock)
    }
}

/// A one-way method that records the header of each request it runs (also used by the
/// interceptor tests).
struct OnewayProbe: RegistrableService {
    static let namespace: String? = nil
    static let interfaceDefinition = ""
    let headers: TestRecorder<MessagePackValue>
    let ran: TestCounter

    var methods: [ServiceMethod] {
        [
            .oneway("probe", parameters: [], doc: nil) { [headers, ran] _, context in
                headers.record(context.header)
                ran.increment()
            }
        ]
    }
}

@Suite struct OnewayCloseTests {
    /// One-way calls the socket took just before `close()` still reach a server that is
    /// slow to read: the DEALER lingers instead of dropping what ZeroMQ has not written.
    @Test func onewayCallsSentBeforeCloseReachASlowServer() async throws {
        let server = try RawPeer(.router, bind: "tcp://127.0.0.1:0", receiveHighWaterMark: 1)
        let client = try Client(connect: [server.endpoint], options: .init(heartbeatInterval: TestTiming.heartbeat))
        client.peers.learn(connection: 0, names: Set(ProtocolExtension.all))
        let burst = 40
        let padding = [UInt8](repeating: 7, count: 200_000)
        for _ in 0..<burst {
            try await client.oneway("probe", options: .defaults) { writer in
                writer.writeArrayHeader(1)
                padding.withUnsafeBytes { writer.writeBinary($0) }
            }
        }
        // The peer's thread reads from now on, as fast as the messages come: the client
        // lingers for only 1 s after the close, longer than this task may wait for a CPU.
        let incoming = server.startReceiving(burst, within: .seconds(5))
        await client.close()
        let received = await incoming.messages
        #expect(received.count == burst)
        #expect(
            received.allSatisfy { frames in
                frames.last.flatMap { try? EventEnvelope(decoding: $0) }?.isFlaggedOneway == true
            })
    }
}
