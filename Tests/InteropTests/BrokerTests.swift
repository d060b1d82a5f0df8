import Foundation
import Testing
import ZeroRPC
import ZeroRPCTestSupport

/// A `Broker` in this process with three ops test servers (Tests/OpsTestServer), each a
/// process of its own attached to its backend, and a plain client on its frontend.
@Suite struct BrokerTests {
    static let heartbeat: Duration = .seconds(1)

    /// A broker on free loopback ports with three attached servers `a`, `b`, `c`.
    private static func brokerWithThreeServers() async throws -> (Broker, [String: PythonPeer], Client) {
        let broker = try Broker(
            frontend: "tcp://127.0.0.1:0", backend: "tcp://127.0.0.1:0",
            options: BrokerOptions(heartbeatInterval: heartbeat))
        var servers: [String: PythonPeer] = [:]
        for id in ["a", "b", "c"] {
            let (server, _) = try await CommandLineTool.opsServer(
                id: id, arguments: ["--broker", broker.backendEndpoint, "--heartbeat", "1"])
            servers[id] = server
        }
        try await waitUntil { broker.serverCount == 3 }
        let client = try Client(
            connect: [broker.frontendEndpoint], options: ClientOptions(heartbeatInterval: heartbeat))
        return (broker, servers, client)
    }

    /// A broker on free loopback ports (or the given endpoints) with one attached server `a`.
    private static func brokerWithOneServer(
        _ options: BrokerOptions, frontend: String = "tcp://127.0.0.1:0", backend: String = "tcp://127.0.0.1:0"
    ) async throws -> (Broker, PythonPeer) {
        let broker = try Broker(frontend: frontend, backend: backend, options: options)
        let (server, _) = try await CommandLineTool.opsServer(
            id: "a", arguments: ["--broker", broker.backendEndpoint, "--heartbeat", "1"])
        try await waitUntil { broker.serverCount == 1 }
        return (broker, server)
    }

    private static func tearDown(_ broker: Broker, _ servers: [String: PythonPeer], _ client: Client) async {
        await client.close()
        for server in servers.values { server.stop() }
        await broker.close()
    }

    @Test func spreadsCallsAndKeepsALongCallAndASlowStreamOnTheirServers() async throws {
        let (broker, servers, client) = try await Self.brokerWithThreeServers()

        // Idle servers take turns.
        var answered: [String: Int] = [:]
        for _ in 0..<9 {
            let id = try await client.call("ops.whoami", []).stringValue ?? "?"
            answered[id, default: 0] += 1
        }
        #expect(answered == ["a": 3, "b": 3, "c": 3])

        // Deferred calls: each lands on another server, whose memory store alone holds
        // the job; the broker sends the polls (`_zpc_result`, new channels) to it.
        var deferredBy: Set<String> = []
        for _ in 0..<3 {
            let id = try await client.unary(
                "ops.sleep", options: CallOptions(deferAfter: .milliseconds(50)), declaredErrors: [],
                arguments: { writer in
                    writer.writeArrayHeader(1)
                    writer.write(Int64(400))
                }, result: { try $0.readString() })
            deferredBy.insert(id)
        }
        #expect(deferredBy == ["a", "b", "c"])

        // A 12 s call (twelve heartbeat periods) and a stream with pauses longer than a
        // period: every heartbeat and credit message must reach the server that owns it.
        async let long = client.call("ops.sleep", [12_000])
        let stream = try await client.stream("ops.count", [6, 1_500])
        var items: [MessagePackValue] = []
        for try await item in stream { items.append(item) }
        #expect(items == [1, 2, 3, 4, 5, 6])
        let longServer = try await long.stringValue
        #expect(longServer.map { ["a", "b", "c"].contains($0) } == true)
        // Every channel ended with its final reply (the count is published after the
        // reply went out, so wait for it).
        try await Self.waitUntil { broker.openChannelCount == 0 }
        await Self.tearDown(broker, servers, client)
    }

    @Test func killingOneServerFailsOnlyItsCalls() async throws {
        let (broker, servers, client) = try await Self.brokerWithThreeServers()

        // One 6 s call per server (fewest open calls first), then server b dies.
        let calls = (0..<3).map { _ in
            Task { try await client.call("ops.sleep", [6_000]).stringValue ?? "?" }
        }
        try await Self.waitUntil { broker.openChannelCount == 3 }
        servers["b"]?.send(signal: SIGKILL)

        var finished: [String] = []
        var lost = 0
        for call in calls {
            do {
                finished.append(try await call.value)
            } catch RPCError.lostRemote(let method) {
                #expect(method == "ops.sleep")
                lost += 1
            }
        }
        #expect(finished.sorted() == ["a", "c"])
        #expect(lost == 1)

        // New calls go to the survivors only.
        var answered: Set<String> = []
        for _ in 0..<4 { answered.insert(try await client.call("ops.whoami", []).stringValue ?? "?") }
        #expect(answered == ["a", "c"])
        #expect(broker.serverCount == 2)
        await Self.tearDown(broker, servers, client)
    }

    @Test func anAttachedServerAnnouncesItselfAgainToARestartedBroker() async throws {
        // Ports below the ephemeral range: no connection of the parallel suite can take
        // them as its source port between the two brokers.
        let (first, server) = try await Self.brokerWithOneServer(
            BrokerOptions(heartbeatInterval: Self.heartbeat),
            frontend: try restartableLoopbackEndpoint(), backend: try restartableLoopbackEndpoint())
        defer { server.stop() }
        await first.close()

        // libzmq closes a listener on its own thread after `close()` returned, so the
        // port may be busy for a moment, as for a broker restarted in a new process.
        var restarted: Broker?
        let deadline = ContinuousClock.now + .seconds(10)
        while restarted == nil {
            do {
                restarted = try Broker(
                    frontend: first.frontendEndpoint, backend: first.backendEndpoint,
                    options: BrokerOptions(heartbeatInterval: Self.heartbeat))
            } catch RPCError.invalidEndpoint where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let second = try #require(restarted)
        try await Self.waitUntil { second.serverCount == 1 }
        let client = try Client(
            connect: [second.frontendEndpoint], options: ClientOptions(heartbeatInterval: Self.heartbeat))
        #expect(try await client.call("ops.whoami", []) == "a")
        await client.close()
        await second.close()
    }

    @Test func oneWayCallsPassWithoutLeavingChannelsOpen() async throws {
        let (broker, server) = try await Self.brokerWithOneServer(BrokerOptions(heartbeatInterval: Self.heartbeat))
        defer { server.stop() }
        let client = try Client(
            connect: [broker.frontendEndpoint], options: ClientOptions(heartbeatInterval: Self.heartbeat))

        // The first call teaches the client the server's extensions, so the notes go
        // out flagged one-way and get no reply at all.
        #expect(try await client.call("ops.whoami", []) == "a")
        for text in ["x", "y", "z"] {
            try await client.oneway("ops.note", options: .defaults) { writer in
                writer.writeArrayHeader(1)
                writer.write(text)
            }
        }
        var notes: MessagePackValue = []
        let deadline = ContinuousClock.now + .seconds(10)
        while notes != ["x", "y", "z"] && ContinuousClock.now < deadline {
            notes = try await client.call("ops.notes", [])
        }
        #expect(notes == ["x", "y", "z"])
        // Well before a silent channel would expire (three heartbeat periods).
        try await Self.waitUntil(within: .seconds(1)) { broker.openChannelCount == 0 }
        await client.close()
        await broker.close()
    }

    @Test func aCurveFrontendAdmitsOnlyClientsWithItsKey() async throws {
        let keys = try CurveKeyPair.generate()
        let (broker, server) = try await Self.brokerWithOneServer(
            BrokerOptions(heartbeatInterval: Self.heartbeat, frontendSecurity: .curve(keyPair: keys)))
        defer { server.stop() }

        let secure = try Client(
            connect: [broker.frontendEndpoint],
            options: ClientOptions(heartbeatInterval: Self.heartbeat, security: .curve(serverPublicKey: keys.publicKey))
        )
        #expect(try await secure.call("ops.whoami", []) == "a")
        await secure.close()

        let plain = try Client(
            connect: [broker.frontendEndpoint], options: ClientOptions(heartbeatInterval: Self.heartbeat))
        await #expect(throws: RPCError.self) {
            try await plain.call("ops.whoami", [], options: CallOptions(timeout: .milliseconds(500)))
        }
        await plain.close()
        await broker.close()
    }

    private static func waitUntil(within timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(condition())
    }
}
