import ZeroRPC

/// A server bound on a fresh endpoint and a client connected to it; both closed by `close()`.
/// Heartbeats default to 1 s: short enough to matter, long enough for sanitizer builds on a
/// busy machine; tests about heartbeats set their own periods.
struct ServerFixture {
    let server: Server
    let client: Client
    let endpoint: String

    init(
        _ transport: TestTransport = .inproc, name: String = "test-server",
        serverOptions: ServerOptions = .init(heartbeatInterval: .seconds(1)),
        clientOptions: ClientOptions = .init(heartbeatInterval: .seconds(1)),
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
