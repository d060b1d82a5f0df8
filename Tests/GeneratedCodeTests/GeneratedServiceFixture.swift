import ZeroRPC

/// Where a test server listens.
enum Transport: String, CaseIterable, Sendable, CustomStringConvertible {
    case inproc
    case tcp

    private static let counter = Counter()

    /// A fresh endpoint to bind.
    func endpoint() -> String {
        switch self {
        case .inproc: return "inproc://generated-code-\(Self.counter.next())"
        case .tcp: return "tcp://127.0.0.1:0"
        }
    }

    var description: String { rawValue }
}

/// A server serving one generated service, and a raw client connected to it.
struct GeneratedServiceFixture {
    let server: Server
    let client: Client

    /// Runs `body` against `service` over `transport`, closing both ends afterwards.
    static func with<Service: RegistrableService>(
        _ service: Service, over transport: Transport, options: ServerOptions = .init(),
        _ body: (Client) async throws -> Void
    ) async throws {
        try await serving(service, over: transport, options: options) { client, _ in try await body(client) }
    }

    /// As `with`, also handing `body` the bound endpoint, for tests that connect a
    /// second client.
    static func serving<Service: RegistrableService>(
        _ service: Service, over transport: Transport, options: ServerOptions = .init(),
        _ body: (Client, String) async throws -> Void
    ) async throws {
        let server = Server(name: "generated-code-tests", options: options)
        try server.register(service)
        let endpoint = try server.bind(transport.endpoint())
        let client = try Client(connect: [endpoint])
        do {
            try await body(client, endpoint)
            await client.close()
            await server.close()
        } catch {
            await client.close()
            await server.close()
            throw error
        }
    }
}

/// A thread-safe counter for unique endpoint names.
final class Counter: Sendable {
    private let value = LockedValue(0)

    func next() -> Int {
        value.withLock { value in
            value += 1
            return value
        }
    }
}
