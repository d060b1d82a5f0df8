// A peer that reuses a message_id as soon as its call ended (found by the server fuzz
// target, Tests/Fuzz/Findings/server-probe-unanswered-64fddad8): the old handler, still
// winding down, ended the new call's channel when it finished. The new handler then
// waited for credit that could no longer reach it, unsupervised by heartbeats, holding
// one of the server's handler slots for good; 63 such cycles filled the fuzz server's 64
// slots and `_zerorpc_ping` was never answered again.
import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

@Suite struct ReusedMessageIDTests {
    /// A stream ended by a malformed grant (`ERR ProtocolError`), its id reused at once.
    @Test func aStreamOpenedWithTheIdOfOneThatJustFailedRunsToItsEnd() async throws {
        let fixture = try ServerFixture(.tcp) { try $0.register(CountingCalculator()) }
        let peer = try RawPeer(.dealer, connect: fixture.endpoint, answersHeartbeats: true)
        let channel = await peer.openCountStream(50)
        peer.sendGrant(.string("lots"), on: channel)
        try await Self.expectSecondStreamCompletes(reusing: channel, on: peer, firstEnds: ["ERR"])
        await fixture.close()
    }

    /// A stream closed by its client (`_zpc_close`), its id reused at once.
    @Test func aStreamOpenedWithTheIdOfOneJustClosedRunsToItsEnd() async throws {
        let fixture = try ServerFixture(.tcp) { try $0.register(CountingCalculator()) }
        let peer = try RawPeer(.dealer, connect: fixture.endpoint, answersHeartbeats: true)
        let channel = await peer.openCountStream(50)
        peer.sendClose(on: channel)
        try await Self.expectSecondStreamCompletes(reusing: channel, on: peer, firstEnds: [])
        await fixture.close()
    }

    /// Opens `calc.count(3)` on `channel` right away (before the first handler has wound
    /// down) and grants it credit: its three items and `STREAM_DONE` arrive, after what
    /// the first call's end sends (`firstEnds`), and nothing else.
    static func expectSecondStreamCompletes(
        reusing channel: [UInt8], on peer: RawPeer, firstEnds: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        peer.sendRequest("calc.count", arguments: encoded([.int(3)]), messageID: channel)
        peer.sendGrant(.int(10), on: channel)
        let expected = firstEnds + ["STREAM", "STREAM", "STREAM", "STREAM_DONE"]
        let replies = await peer.receiveReplies(expected.count, within: .seconds(5))
        #expect(replies.map(\.name) == expected, sourceLocation: sourceLocation)
        #expect(
            replies.filter { $0.name == "STREAM" }.compactMap { $0.arguments?.int64Value } == [1, 2, 3],
            sourceLocation: sourceLocation)
        #expect(replies.allSatisfy { $0.responseToArray == channel }, sourceLocation: sourceLocation)
        #expect(
            await peer.receiveReplies(1, within: .milliseconds(300)).isEmpty, "sent after STREAM_DONE",
            sourceLocation: sourceLocation)
    }
}
