import Testing
import ZeroRPC
import ZeroRPCTestSupport

@Suite struct UnaryCallTests {
    static func registerAdd(_ server: Server) throws {
        try server.register(name: "add", doc: "Adds two integers.") { arguments, _ in
            guard arguments.count == 2, let a = arguments[0].int64Value, let b = arguments[1].int64Value else {
                throw RemoteError(name: "ValueError", message: "add takes two ints")
            }
            return .int(a + b)
        }
    }

    @Test(arguments: TestTransport.allCases)
    func addsOverEveryTransport(_ transport: TestTransport) async throws {
        let fixture = try ServerFixture(transport, register: Self.registerAdd)
        let sum = try await fixture.client.call("add", [1, 2])
        #expect(sum.int64Value == 3)
        let big = try await fixture.client.call("add", [.int(Int64.max - 1), 1])
        #expect(big.int64Value == Int64.max)
        await fixture.close()
    }

    @Test func tcpBindOnPortZeroReportsTheRealPort() async throws {
        let fixture = try ServerFixture(.tcp, register: Self.registerAdd)
        #expect(fixture.endpoint.hasPrefix("tcp://127.0.0.1:"))
        #expect(!fixture.endpoint.hasSuffix(":0"))
        #expect(try await fixture.client.call("add", [40, 2]) == 42)
        await fixture.close()
    }

    @Test func clientBindsAndServerConnects() async throws {
        let endpoint = TestTransport.inproc.bindEndpoint()
        let client = try Client(bind: endpoint, options: .init(heartbeatInterval: TestTiming.heartbeat))
        let server = Server(options: .init(heartbeatInterval: TestTiming.heartbeat))
        try Self.registerAdd(server)
        try server.connect(endpoint)
        #expect(try await client.call("add", [5, 6]) == 11)
        await client.close()
        await server.close()
    }
}
