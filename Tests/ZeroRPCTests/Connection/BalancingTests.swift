import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// How a client with several endpoints picks one (issue 13): least outstanding calls,
/// round robin among equals, only connected endpoints; and what a call does when none is.
@Suite struct BalancingTests {
    /// A server on `endpoint` whose `who` answers `name` and counts its calls.
    final class NamedServer: Sendable {
        let server: Server
        let endpoint: String
        let counter = TestCounter()
        var calls: Int { counter.value }

        init(_ name: String, endpoint: String = TestTransport.tcp.bindEndpoint()) throws {
            server = Server(options: .init(heartbeatInterval: .seconds(1)))
            let counter = self.counter
            try server.register(name: "who") { _, _ in
                counter.increment()
                return .string(name)
            }
            self.endpoint = try server.bind(endpoint)
        }
    }

    static let options = ClientOptions(heartbeatInterval: .seconds(1), lingerOnClose: .zero)

    @Test func sequentialCallsAlternateBetweenIdleEndpoints() async throws {
        let a = try NamedServer("a")
        let b = try NamedServer("b")
        let client = try Client(connect: [a.endpoint, b.endpoint], options: Self.options)
        try await client.waitConnected(timeout: .seconds(30))
        var answers: [String] = []
        for _ in 0..<20 {
            answers.append(try await client.call("who", []).stringValue ?? "?")
        }
        #expect(answers.filter { $0 == "a" }.count == 10)
        #expect(answers.filter { $0 == "b" }.count == 10)
        #expect(zip(answers, answers.dropFirst()).allSatisfy { $0 != $1 }, "\(answers)")
        await client.close()
        await a.server.close()
        await b.server.close()
    }

    /// Once the monitor reports an endpoint down, no call goes there: every call is
    /// answered by the other server at once, none waits for a timeout.
    @Test func aClosedEndpointIsSkipped() async throws {
        let a = try NamedServer("a")
        let b = try NamedServer("b")
        let client = try Client(connect: [a.endpoint, b.endpoint], options: Self.options)
        try await client.waitConnected(timeout: .seconds(30))
        await a.server.close()
        try await waitUntil { client.connectedEndpointCount == 1 }
        let states = await client.endpoints()
        #expect(states.map(\.endpoint) == [a.endpoint, b.endpoint])
        #expect(states.map(\.isConnected) == [false, true])
        #expect(states.first?.lastError != nil)  // "the connection was lost", then "connection refused"
        #expect(states.last?.lastError == nil)
        #expect(states.map(\.openCalls) == [0, 0])
        for _ in 0..<10 {
            #expect(try await client.call("who", [], options: .within(.seconds(10))) == "b")
        }
        await client.close()
        await b.server.close()
    }

    /// A call made while no server is up is not led by its caller (a caller leads only a
    /// call a connected endpoint can take): it waits for a connection, and a server that
    /// comes up on the endpoint within the call's deadline answers it.
    @Test func aCallMadeWhileNoServerIsUpIsAnsweredByOneThatComesUp() async throws {
        let first = try NamedServer("first", endpoint: try restartableLoopbackEndpoint())
        let client = try Client(connect: [first.endpoint], options: Self.options)
        #expect(try await client.call("who", []) == "first")
        await first.server.close()
        try await waitUntil { client.connectedEndpointCount == 0 }
        async let answer = client.call("who", [], options: .within(.seconds(20)))
        // No event tells that the call waits for a connection; a tenth of a second lets
        // it get there (were it later, it would only be led, and still pass).
        try await Task.sleep(for: .milliseconds(100))
        let restarted = try NamedServer("restarted", endpoint: first.endpoint)
        #expect(try await answer == "restarted")
        #expect(restarted.calls == 1)
        await client.close()
        await restarted.server.close()
    }

    /// Calls made while the only server is down are never sent: after their deadline they
    /// fail as not connected, and the server restarted on the same endpoint never runs
    /// them (the DEALER used to queue them and deliver them on reconnect).
    @Test func aRestartedServerNeverRunsCallsThatTimedOut() async throws {
        let first = try NamedServer("first", endpoint: try restartableLoopbackEndpoint())
        let client = try Client(connect: [first.endpoint], options: Self.options)
        #expect(try await client.call("who", []) == "first")
        await first.server.close()
        try await waitUntil { client.connectedEndpointCount == 0 }
        for _ in 0..<4 {
            await #expect(throws: RPCError.self) {
                _ = try await client.call("who", [], options: .within(.milliseconds(200)))
            }
        }
        let restarted = try NamedServer("restarted", endpoint: first.endpoint)
        try await client.waitConnected(timeout: .seconds(30))
        #expect(try await client.call("who", []) == "restarted")
        #expect(restarted.calls == 1, "calls that timed out ran on the restarted server")
        await client.close()
        await restarted.server.close()
    }

    /// Nothing listens: the call fails within the connect timeout with `notConnected`,
    /// naming the endpoint and what the attempts saw, not `lostRemote` seconds later.
    @Test func noServerAtTheEndpointIsNotConnected() async throws {
        // A port held but never listened on: a server closed for the purpose gave its
        // port back, and under ASan another test's server once bound it and answered.
        let gone = try ReservedPort()
        defer { gone.release() }
        let client = try Client(
            connect: [gone.endpoint],
            options: .init(heartbeatInterval: .seconds(1), lingerOnClose: .zero, connectTimeout: .milliseconds(300)))
        do {
            _ = try await client.call("who", [])
            Issue.record("a call succeeded with nothing listening")
        } catch RPCError.notConnected(let endpoints, let reason, _) {
            #expect(endpoints == [gone.endpoint])
            #expect(!reason.isEmpty)
            #expect(
                "\(RPCError.notConnected(endpoints: endpoints, reason: reason, after: .zero))".contains(gone.endpoint))
        }
        await client.close()
    }
}
