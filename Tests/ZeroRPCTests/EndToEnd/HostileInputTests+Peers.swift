import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// Hostile classes about peers rather than bytes (issue 17): peers that come and go by
/// the thousand, streams abandoned without `_zpc_close`. Extension values (NaN/inf
/// durations, deferred-token abuse) are in ExtensionValueTests, out-of-range credit in
/// StrictPeerInputTests.
extension HostileInputTests {
    /// 10,000 events of every kind into one open unary call (heartbeats, stream events a
    /// unary call has no use for, unknown names): dropped without a reply each, and the
    /// call is answered once, when its handler returns.
    @Test func aFloodOfEventsIntoOneUnaryCall() async throws {
        let release = TestGate()
        let server = Server(options: .init(heartbeatInterval: .seconds(10)))
        try server.register(name: "hold") { _, _ in
            await release.wait()
            return .string("done")
        }
        let peer = try RawPeer(
            .dealer, connect: try server.bind(TestTransport.inproc.bindEndpoint()), answersHeartbeats: true)
        let channel = peer.sendRequest("hold", arguments: encoded([]))
        let kinds: [(String, MessagePackValue)] = [
            ("_zpc_hb", [nil]), ("_zpc_more", [.int(5)]), ("_zpc_send", [.int(1)]), ("_zpc_throw", ["E", "m"]),
            ("OK", [.int(1)]), ("anything", [.double(.nan)]),
        ]
        let flood = (0..<10_000).map { index in
            let (name, arguments) = kinds[index % kinds.count]
            return EventEncoder.encode(
                messageID: MessageIDGenerator.shared.next(), responseTo: channel[...], name: name,
                arguments: encoded(arguments))
        }
        await peer.sendPayloadsOnThread(flood)
        #expect(await peer.receiveReply(within: .milliseconds(300)) == nil, "answered an event of the flood")
        release.open()
        let replies = await peer.receiveReplies(2, within: .seconds(1))
        #expect(replies.map(\.name) == ["OK"])
        #expect(replies.first?.responseToArray == channel)
        await server.close()
    }

    /// 1,000 peers connect, call (half of them leave before the answer) and disconnect:
    /// every patient one is answered and the server serves on.
    @Test func aThousandConnectDisconnectCycles() async throws {
        let server = Server(options: .init(heartbeatInterval: .seconds(10)))
        try UnaryCallTests.registerAdd(server)
        let endpoint = try server.bind(TestTransport.ipc.bindEndpoint())
        var answered = 0
        for cycle in 0..<1_000 {
            let peer = try RawPeer(.dealer, connect: endpoint)
            let id = peer.sendRequest("add", arguments: encoded([.int(Int64(cycle)), .int(1)]))
            if cycle.isMultiple(of: 2) {
                let reply = await peer.receiveReply(within: .seconds(10))
                if reply?.responseToArray == id && reply?.arguments == [.int(Int64(cycle) + 1)] { answered += 1 }
            }
        }
        #expect(answered == 500)
        let client = try Client(connect: [endpoint])
        #expect(try await client.call("add", [.int(2), .int(3)]) == .int(5))
        await client.close()
        await server.close()
    }

    /// 500 streams whose clients vanish without `_zpc_close`: each handler is cancelled
    /// once the server stops hearing from its client, so no channel is left behind.
    @Test func fiveHundredAbandonedStreamsAreReaped() async throws {
        let service = EndlessStreams()
        let server = Server(options: .init(heartbeatInterval: .milliseconds(250)))
        try server.register(service)
        let endpoint = try server.bind(TestTransport.ipc.bindEndpoint())
        var peers: [RawPeer] = []
        for _ in 0..<50 {
            let peer = try RawPeer(.dealer, connect: endpoint)
            for _ in 0..<10 { peer.sendRequest("endless", arguments: encoded([])) }
            peers.append(peer)
        }
        #expect(await service.started.reaches(500, within: .seconds(20)))
        peers = []  // closes every socket; nobody sends _zpc_close
        #expect(await service.cancelled.reaches(500, within: .seconds(20)))
        let client = try Client(connect: [endpoint])
        #expect(try await client.call("_zerorpc_ping", []).arrayValue?.first == "pong")
        await client.close()
        await server.close()
    }
}

/// `endless() -> stream int`: writes until cancelled, counting starts and cancellations.
struct EndlessStreams: RegistrableService {
    static var namespace: String? { nil }
    static var interfaceDefinition: String { "" }
    let started = TestCounter()
    let cancelled = TestCounter()

    var methods: [ServiceMethod] {
        [
            .stream("endless", parameters: [], doc: nil, element: Int64.self) { arguments, stream, _ in
                try arguments.finish()
                started.increment()
                do {
                    var n: Int64 = 0
                    while true {
                        try await stream.write(n)
                        n &+= 1
                    }
                } catch {
                    cancelled.increment()
                    throw error
                }
            }
        ]
    }
}
