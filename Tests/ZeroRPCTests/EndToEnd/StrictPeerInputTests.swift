import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// Where a peer sends something zerorpc allows only one way, the runtime says so instead
/// of guessing (issue 17, interop defects 5, 7 and 8).
@Suite struct StrictPeerInputTests {
    /// An `OK` carries exactly one value. Taking the first of two (what the client did)
    /// hid a peer that answered something else.
    @Test func anOKWithTwoValuesIsAProtocolErrorNamingTheMethod() async throws {
        let server = try RawPeer(.router, bind: "tcp://127.0.0.1:0", answersHeartbeats: true)
        let client = try Client(connect: [server.endpoint], options: .init(heartbeatInterval: TestTiming.heartbeat))
        let call = Task { try await client.call("echo", [.int(1)]) }
        let frames = try #require(await server.receive())
        let request = try EventEnvelope(decoding: try #require(frames.last))
        server.send([
            frames[0], [],
            EventEncoder.encode(
                messageID: MessageIDGenerator.shared.next(), responseTo: request.messageID, name: "OK",
                arguments: encoded([.int(1), .map([.init(key: .string("a"), value: .string("b"))])])),
        ])
        do {
            let value = try await call.value
            Issue.record("accepted a two-value OK as \(value)")
        } catch RPCError.protocolViolation(let detail) {
            #expect(detail.contains("'echo'"))
            #expect(detail.contains("exactly one"))
        }
        await client.close()
    }

    /// A credit grant beyond Int64 (msgpack uint64) used to be ignored and the stream
    /// stopped for good; it is clamped, and the stream runs to its end.
    @Test func anUnsignedHugeCreditGrantStreamsOn() async throws {
        let fixture = try ServerFixture(.tcp) { try $0.register(CountingCalculator()) }
        let peer = try RawPeer(.dealer, connect: fixture.endpoint, answersHeartbeats: true)
        let channel = await peer.openCountStream(50)
        peer.sendGrant(.uint(UInt64(Int64.max) + 5), on: channel)
        let rest = await peer.receiveReplies(50)
        #expect(rest.count == 50)
        #expect(rest.dropLast().compactMap { $0.arguments?.int64Value } == Array(2...50))
        #expect(rest.last?.name == "STREAM_DONE")
        await fixture.close()
    }

    /// A malformed grant — zero, negative, NaN, infinite, fractional, not a number —
    /// ends the stream with an `ERR` rather than stalling it silently (or trapping).
    @Test(arguments: [
        MessagePackValue.string("lots"), .int(0), .int(-1), .int(.min), .double(.nan), .double(.infinity),
        .double(1.5), .nil, .array([]),
    ])
    func aMalformedCreditGrantEndsTheStreamWithAnError(_ credit: MessagePackValue) async throws {
        let service = CountingCalculator()
        let fixture = try ServerFixture(.tcp) { try $0.register(service) }
        let peer = try RawPeer(.dealer, connect: fixture.endpoint, answersHeartbeats: true)
        let channel = await peer.openCountStream(50)
        peer.sendGrant(credit, on: channel)
        let reply = await peer.receiveReplies(1).first
        #expect(reply?.name == "ERR")
        #expect(reply?.arguments?.arrayValue?.first?.stringValue == "ProtocolError")
        #expect(await opens(service.events.cancelled), "the handler was not cancelled")
        #expect(await peer.receiveReplies(1, within: .milliseconds(300)).isEmpty, "sent after the ERR")
        await fixture.close()
    }

    /// A deferred call that runs into its deadline while polling names the caller's
    /// method, not `_zpc_result`.
    @Test func aDeferredCallsTimeoutNamesTheCallersMethod() async throws {
        let fixture = try ServerFixture { server in
            try server.register(name: "slow") { _, _ in
                try await Task.sleep(for: .seconds(5))
                return .int(1)
            }
        }
        let options = CallOptions(deadline: .now.advanced(by: .milliseconds(600)), deferAfter: .milliseconds(20))
        do {
            _ = try await fixture.client.call("slow", [], options: options)
            Issue.record("the call outlived its deadline")
        } catch RPCError.timeout(let method, _) {
            #expect(method == "slow")
        }
        await fixture.close()
    }
}
