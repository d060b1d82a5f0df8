import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// `Client.isConnected` and `waitConnected(timeout:)`, from socket monitor events.
@Suite struct ConnectionStateTests {
    static let options = ClientOptions(heartbeatInterval: .seconds(1), lingerOnClose: .zero)

    static func add(_ server: Server) throws {
        try server.register(name: "add") { arguments, _ in
            .int((arguments.first?.int64Value ?? 0) + (arguments.last?.int64Value ?? 0))
        }
    }

    /// True when `waitConnected` failed with `RPCError.timeout`.
    static func timesOut(_ client: Client, after timeout: Duration = .milliseconds(300)) async -> Bool {
        do {
            try await client.waitConnected(timeout: timeout)
            return false
        } catch RPCError.timeout(let method, _) {
            return method == "waitConnected"
        } catch {
            return false
        }
    }

    /// Awaits the client's endpoints reporting exactly `states`, or gives up after 30 s.
    static func reaches(_ client: Client, _ states: [Bool]) async -> Bool {
        let gate = TestGate()
        Task {
            await client.connectionStatus.wait { $0 == states }
            gate.open()
        }
        return await opens(gate)
    }

    @Test(arguments: [TestTransport.tcp, .ipc, .inproc])
    func waitConnectedReturnsAgainstALiveServer(_ transport: TestTransport) async throws {
        let server = Server(options: .init(heartbeatInterval: .seconds(1)))
        try Self.add(server)
        let endpoint = try server.bind(transport.bindEndpoint())
        let client = try Client(connect: [endpoint], options: Self.options)
        try await client.waitConnected(timeout: .seconds(30))
        #expect(client.isConnected)
        #expect(client.connectedEndpointCount == 1)
        try await client.waitConnected(timeout: .zero)
        #expect(try await client.call("add", [1, 2]) == 3)
        await client.close()
        #expect(!client.isConnected)
        await server.close()
    }

    @Test func waitConnectedTimesOutWhenNoServerListens() async throws {
        let client = try Client(connect: [TestTransport.ipc.bindEndpoint()], options: Self.options)
        #expect(!client.isConnected)
        #expect(await Self.timesOut(client))
        #expect(!client.isConnected)
        await client.close()
    }

    @Test func aServerStartingLaterConnectsAndItsCloseDisconnects() async throws {
        let endpoint = TestTransport.ipc.bindEndpoint()
        let client = try Client(connect: [endpoint], options: Self.options)
        #expect(!client.isConnected)
        let server = Server(options: .init(heartbeatInterval: .seconds(1)))
        try Self.add(server)
        try server.bind(endpoint)
        try await client.waitConnected(timeout: .seconds(30))
        #expect(client.isConnected)
        await server.close()
        #expect(await Self.reaches(client, [false]))
        #expect(!client.isConnected)
        await client.close()
    }

    @Test func everyEndpointMustBeConnected() async throws {
        let first = Server(options: .init(heartbeatInterval: .seconds(1)))
        let live = try first.bind(TestTransport.tcp.bindEndpoint())
        let later = TestTransport.ipc.bindEndpoint()
        let client = try Client(connect: [live, later], options: Self.options)
        #expect(await Self.reaches(client, [true, false]))
        #expect(client.connectedEndpointCount == 1)
        #expect(!client.isConnected)
        #expect(await Self.timesOut(client))
        let second = Server(options: .init(heartbeatInterval: .seconds(1)))
        try second.bind(later)
        try await client.waitConnected(timeout: .seconds(30))
        #expect(client.connectedEndpointCount == 2)
        await client.close()
        await first.close()
        await second.close()
    }

    @Test func aBoundClientIsConnectedWhileAServerIsConnectedToIt() async throws {
        let endpoint = TestTransport.ipc.bindEndpoint()
        let bound = try Client(bind: endpoint, options: Self.options)
        #expect(!bound.isConnected)
        let server = Server(options: .init(heartbeatInterval: .seconds(1)))
        try Self.add(server)
        try server.connect(endpoint)
        try await bound.waitConnected(timeout: .seconds(30))
        #expect(try await bound.call("add", [2, 3]) == 5)
        await server.close()
        #expect(await Self.reaches(bound, [false]))
        await bound.close()
    }

    @Test func waitingEndsWithCloseOrCancellation() async throws {
        let client = try Client(connect: [TestTransport.ipc.bindEndpoint()], options: Self.options)
        let waiting = Task { try await client.waitConnected(timeout: .seconds(60)) }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        let closing = Task { try await client.waitConnected(timeout: .seconds(60)) }
        await client.close()
        await #expect(throws: RPCError.closed) { try await closing.value }
        await #expect(throws: RPCError.closed) { try await client.waitConnected(timeout: .seconds(1)) }
    }
}
