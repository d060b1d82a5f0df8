import Foundation
import Logging
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// Classes of hostile input (issue 17): each ends with a valid call answered, and what
/// the server logs about it stays bounded however much a peer sends.
@Suite struct HostileInputTests {
    /// 2,000 malformed messages from one peer: a warning a second at most, with the count
    /// of those held back, and the next good call is answered.
    @Test func aFloodOfMalformedMessagesLogsALineASecond() async throws {
        let log = LogRecorder()
        let server = Server(options: .init(heartbeatInterval: .seconds(10), logger: log.logger))
        try UnaryCallTests.registerAdd(server)
        let peer = try RawPeer(
            .dealer, connect: try server.bind(TestTransport.inproc.bindEndpoint()), answersHeartbeats: true)
        let started = ContinuousClock.now
        await peer.sendPayloadsOnThread(Array(repeating: [0xc1, 0xff, 0x00], count: 2_000))
        let id = peer.sendRequest("add", arguments: encoded([1, 2]))
        let reply = await peer.receiveReply()
        #expect(reply?.name == "OK")
        #expect(reply?.responseToArray == id)
        let seconds = Int(started.duration(to: .now).components.seconds) + 1
        let warnings = log.messages(atLeast: .warning)
        #expect(warnings.count >= 1)
        #expect(warnings.count <= seconds + 1, "\(warnings.count) warning lines in about \(seconds) s")
        await server.close()
    }

    /// `response_to` of every MessagePack type: dropped (it names no open channel), and
    /// serving goes on.
    @Test func responseToOfEveryTypeIsDropped() async throws {
        let server = Server(options: .init(heartbeatInterval: .seconds(10)))
        try UnaryCallTests.registerAdd(server)
        let peer = try RawPeer(
            .dealer, connect: try server.bind(TestTransport.inproc.bindEndpoint()), answersHeartbeats: true)
        let values: [MessagePackValue] = [
            .nil, .bool(true), .int(-1), .uint(.max), .double(.nan), .double(.infinity), .string("x"),
            .binary(Data([1, 2])), .array([.int(1)]), .map([.init(key: .string("a"), value: .int(1))]), .float(1.5),
            .extension(type: 5, data: Data([1])),
        ]
        for value in values {
            let header: [UInt8] =
                [0x83] + encoded("message_id") + MessageIDGenerator.shared.next() + encoded("v") + [0x03]
                + encoded("response_to") + encoded(value)
            peer.sendPayload([0x93] + header + encoded("_zpc_more") + encoded([.int(10)]))
        }
        let id = peer.sendRequest("add", arguments: encoded([2, 2]))
        let reply = await peer.receiveReply()
        #expect(reply?.name == "OK")
        #expect(reply?.responseToArray == id)
        await server.close()
    }

    /// A `_zpc_*` request that needs a channel but names none gets an ERR, not silence.
    @Test func aChannelEventWithoutAChannelIsAnswered() async throws {
        let server = Server(options: .init(heartbeatInterval: .seconds(10)))
        try UnaryCallTests.registerAdd(server)
        let peer = try RawPeer(
            .dealer, connect: try server.bind(TestTransport.inproc.bindEndpoint()), answersHeartbeats: true)
        let id = peer.sendRequest("_zpc_more", arguments: encoded([.int(5)]))
        let reply = await peer.receiveReply()
        #expect(reply?.name == "ERR")
        #expect(reply?.responseToArray == id)
        #expect(reply?.arguments?.arrayValue?.first == .string("ProtocolError"))
        await server.close()
    }

    /// A flood of events into one open stream call: credit grants are clamped, the stream
    /// runs to its end, and the server answers the next call.
    @Test func aFloodOfGrantsIntoOneStreamIsClamped() async throws {
        let fixture = try ServerFixture(.tcp) { try $0.register(CountingCalculator()) }
        let peer = try RawPeer(.dealer, connect: fixture.endpoint, answersHeartbeats: true)
        let channel = await peer.openCountStream(20)
        let grant = RawPeer.grant(.int(Int64.max), on: channel)
        await peer.sendPayloadsOnThread(Array(repeating: grant, count: 1_000))
        let rest = await peer.receiveReplies(20)
        #expect(rest.last?.name == "STREAM_DONE")
        #expect(rest.dropLast().compactMap { $0.arguments?.int64Value } == Array(2...20))
        await fixture.close()
    }
}
