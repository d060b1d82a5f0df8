import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// The raw test peer itself: a peer that answers heartbeats must look alive to the
/// server however long the test's task goes without reading, as a stock client does.
@Suite struct RawPeerTests {
    /// The test's task awaits the handler, reading nothing, for five heartbeat periods;
    /// the server, which drops a call whose client stays silent for two, keeps this one.
    /// (A peer that answered only while a receive was waiting lost calls whenever the
    /// suite kept the test's task from a CPU for a few seconds.)
    @Test func answersHeartbeatsWhileNoReceiveIsWaiting() async throws {
        let finished = TestGate()
        let cancelled = TestGate()
        let server = Server(options: .init(heartbeatInterval: .seconds(1)))
        try server.register(name: "slow") { _, _ in
            do {
                try await Task.sleep(for: .seconds(5))  // five heartbeat periods
            } catch {
                cancelled.open()
                finished.open()
                throw error
            }
            finished.open()
            return "finished"
        }
        let peer = try RawPeer(
            .dealer, connect: try server.bind(TestTransport.inproc.bindEndpoint()), answersHeartbeats: true)
        let id = peer.sendRequest("slow", arguments: encoded([]))
        #expect(await opens(finished))
        guard !cancelled.isOpen else {
            Issue.record("the server took the peer for lost")
            await server.close()
            return
        }
        let reply = await peer.receiveReply()
        #expect(reply?.responseToArray == id)
        #expect(reply?.arguments == ["finished"])
        await server.close()
    }

    /// The same for a ROUTER standing in for a server: while the test's task holds the
    /// request for five of the client's heartbeat periods, the peer's answers keep the
    /// client from failing the call with `lostRemote`.
    @Test func aRouterAnswersTheHeartbeatsOfTheClientItServes() async throws {
        let server = try RawPeer(.router, bind: "tcp://127.0.0.1:0", answersHeartbeats: true)
        let client = try Client(connect: [server.endpoint], options: .init(heartbeatInterval: .seconds(1)))
        let call = Task { try await client.call("anything", [], options: .within(.seconds(60))) }
        var request: (frames: [[UInt8]], event: EventEnvelope)?
        while request == nil, let frames = await server.receive(), let payload = frames.last {
            if let event = try? EventEnvelope(decoding: payload), event.name == "anything" { request = (frames, event) }
        }
        let (frames, event) = try #require(request)
        try await Task.sleep(for: .seconds(5))  // five heartbeat periods, reading nothing
        server.send([
            frames[0], [],
            EventEncoder.encode(
                messageID: MessageIDGenerator.shared.next(), responseTo: event.messageID, name: "OK",
                arguments: encoded(["answered"])),
        ])
        #expect(try await call.value == "answered")
        await client.close()
    }
}
