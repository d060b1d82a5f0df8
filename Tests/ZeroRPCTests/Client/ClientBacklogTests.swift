import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// A client with more requests than its pipe holds, and replies that come several to a
/// message or in one message past the in-place threshold.
@Suite struct ClientBacklogTests {
    /// 10,000 calls at once: thousands of requests wait in the DEALER's queue
    /// (`OutboundQueue`) for room, while replies come back several to a message. Room
    /// appears while the I/O thread receives, which takes the descriptor's edge; the
    /// poller must still ask for it, or the queued requests never go out and their calls
    /// end as lost remotes.
    @Test func tenThousandCallsInFlightAllGetTheirReplies() async throws {
        let fixture = try ServerFixture(.tcp) { try $0.register(Calculator()) }
        let count = 10_000
        let sums = try await withThrowingTaskGroup(of: (Int, Int64).self) { group in
            for index in 0..<count {
                group.addTask {
                    (index, try await fixture.client.call("calc.add", [.int(Int64(index)), 7]).int64Value ?? -1)
                }
            }
            var sums: [Int: Int64] = [:]
            for try await (index, sum) in group { sums[index] = sum }
            return sums
        }
        #expect(sums.count == count)
        #expect((0..<count).allSatisfy { sums[$0] == Int64($0) + 7 })
        await fixture.close()
    }

    /// A server (raw) that answers two calls in one message larger than
    /// `ZMQSocket.inPlaceThreshold`: both calls get their results, the large one whole.
    @Test func twoRepliesInOneLargeMessageBothArrive() async throws {
        let server = try RawPeer(.router, bind: "tcp://127.0.0.1:0")
        let client = try Client(connect: [server.endpoint], options: .init(heartbeatInterval: .seconds(60)))
        let large = String(repeating: "x", count: ZMQSocket.inPlaceThreshold + 100)
        let first = Task { try await client.call("large", [], options: .within(TestTiming.patient(.seconds(30)))) }
        let firstRequest = try #require(await server.receiveSkippingHeartbeats())
        let second = Task { try await client.call("small", [], options: .within(TestTiming.patient(.seconds(30)))) }
        let secondRequest = try #require(await server.receiveSkippingHeartbeats())
        let batch =
            try RawPeer.okReply(answering: firstRequest, with: .string(large))
            + RawPeer.okReply(answering: secondRequest, with: "small")
        #expect(batch.count >= ZMQSocket.inPlaceThreshold)
        server.send([firstRequest[0], [], batch])
        #expect(try await first.value.stringValue == large)
        #expect(try await second.value == "small")
        await client.close()
    }
}
