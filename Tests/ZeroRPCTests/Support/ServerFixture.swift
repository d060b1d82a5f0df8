import ZeroRPC
import ZeroRPCTestSupport

/// A server bound on a fresh endpoint and a client connected to it; both closed by `close()`.
/// Heartbeats default to `TestTiming.heartbeat` (1 s; 5 s in sanitized runs, where a full
/// parallel run kept I/O threads from a core for two 1 s periods): short enough to matter;
/// tests about heartbeats set their own periods.
struct ServerFixture {
    let server: Server
    let client: Client
    let endpoint: String

    init(
        _ transport: TestTransport = .inproc, name: String = "test-server",
        serverOptions: ServerOptions = .init(heartbeatInterval: TestTiming.heartbeat),
        clientOptions: ClientOptions = .init(heartbeatInterval: TestTiming.heartbeat),
        register: (Server) throws -> Void = { _ in }
    ) throws {
        server = Server(name: name, options: serverOptions)
        try register(server)
        endpoint = try server.bind(transport.bindEndpoint())
        client = try Client(connect: [endpoint], options: clientOptions)
    }

    func close() async {
        await client.close()
        await server.close()
    }
}

/// Short per-call options for tests.
extension CallOptions {
    static func within(_ timeout: Duration) -> CallOptions { CallOptions(timeout: timeout) }
}
