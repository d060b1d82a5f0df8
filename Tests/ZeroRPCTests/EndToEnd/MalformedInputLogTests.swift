// Malformed input is logged at .warning, at most a burst per window, with a count of
// what was suppressed when the next window opens.
import Logging
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

@Suite struct MalformedInputLogTests {
    @Test func aBurstIsLoggedTheRestCountedAndReportedInTheNextWindow() {
        let log = LogRecorder()
        let clock = LockedValue(ContinuousClock.now)
        let limited = MalformedInputLog(
            logger: log.logger, burst: 3, window: .seconds(10), now: { clock.withLock { $0 } })
        for i in 0..<8 { limited.warning("bad \(i)") }
        #expect(log.messages(atLeast: .warning) == ["bad 0", "bad 1", "bad 2"])
        clock.withLock { $0 = $0.advanced(by: .seconds(11)) }
        limited.warning("bad 8")
        let messages = log.messages(atLeast: .warning)
        #expect(messages.count == 5)
        #expect(messages[3].contains("suppressed 5 more"))
        #expect(messages[4] == "bad 8")
    }

    @Test func aFloodOfGarbageLogsOneBurstAndServingGoesOn() async throws {
        let log = LogRecorder()
        let server = Server(options: .init(heartbeatInterval: .seconds(10), logger: log.logger))
        try UnaryCallTests.registerAdd(server)
        let peer = try RawPeer(
            .dealer, connect: try server.bind(TestTransport.inproc.bindEndpoint()), answersHeartbeats: true)
        for _ in 0..<50 { peer.sendPayload([0xc1, 0xff, 0x00]) }
        // The add is read after the garbage from the same peer: once it is answered, every
        // malformed message has been seen.
        let id = peer.sendRequest("add", arguments: encoded([1, 2]))
        let reply = await peer.receiveReply()
        #expect(reply?.responseToArray == id)
        // One peer: one line a second at most (`ServerLoop.warnAboutInput`), under the
        // server-wide burst of ten.
        let dropped = log.messages(atLeast: .warning).filter { $0.contains("malformed request") }
        #expect(dropped.count == 1)
        await server.close()
    }
}
