// The service the tracing, metrics and logging tests serve, and a server/client pair
// over a real inproc socket.
import Tracing
import ZeroRPC
import ZeroRPCTestSupport

/// `obs.echo(x) -> x`, `obs.fail()` throws, `obs.count(n) -> stream 1...n`,
/// `obs.slow(x) -> x` (waits for `release`, so a budget of zero defers it).
struct ObservedService: RegistrableService {
    struct Failure: Error {}

    static var namespace: String? { "obs" }
    static var interfaceDefinition: String { "service Observed {}" }
    let release = TestGate()
    /// What the handlers saw, for assertions about context propagation.
    let seen = TestRecorder<ServerContext>()
    /// The trace context each handler ran in.
    let serviceContexts = TestRecorder<ServiceContext?>()

    var methods: [ServiceMethod] {
        [
            .unary("echo", parameters: [.init(name: "x")], doc: nil) { arguments, context in
                seen.record(context)
                serviceContexts.record(ServiceContext.current)
                let x = try arguments.next(Int64.self, name: "x")
                try arguments.finish()
                return x
            },
            .unary("fail", parameters: [], doc: nil) {
                (arguments: inout ArgumentReader, context: ServerContext) async throws -> Int64 in
                seen.record(context)
                serviceContexts.record(ServiceContext.current)
                throw Failure()
            },
            .unary("slow", parameters: [.init(name: "x")], doc: nil) { [release] arguments, context in
                seen.record(context)
                serviceContexts.record(ServiceContext.current)
                let x = try arguments.next(Int64.self, name: "x")
                try arguments.finish()
                await release.wait()
                return x
            },
            .stream("count", parameters: [.init(name: "n")], doc: nil, element: Int64.self) {
                arguments, stream, context in
                seen.record(context)
                serviceContexts.record(ServiceContext.current)
                let n = try arguments.next(Int64.self, name: "n")
                try arguments.finish()
                for i in 1...max(n, 1) { try await stream.write(i) }
            },
        ]
    }
}

/// A server serving ``ObservedService`` and a client connected to it over inproc.
struct ObservedPair {
    let service = ObservedService()
    let server: Server
    let client: Client

    init(server serverOptions: ServerOptions = .init(), client clientOptions: ClientOptions = .init()) throws {
        var serverOptions = serverOptions
        serverOptions.heartbeatInterval = TestTiming.heartbeat
        var clientOptions = clientOptions
        clientOptions.heartbeatInterval = TestTiming.heartbeat
        server = Server(name: "observed", options: serverOptions)
        try server.register(service)
        let endpoint = try server.bind("inproc://observed-\(UInt64.random(in: 0...UInt64.max))")
        client = try Client(connect: [endpoint], options: clientOptions)
    }

    func echo(_ x: Int64, options: CallOptions = .defaults) async throws -> Int64 {
        try await client.unary(
            "obs.echo", options: options, declaredErrors: [],
            arguments: { writer in
                writer.writeArrayHeader(1)
                writer.write(x)
            }, result: { try $0.read(Int64.self) })
    }

    /// Starts `obs.slow(x)` with a budget of zero: deferred at once, held until `release`.
    func startSlow(_ x: Int64) async throws -> Deferred<Int64> {
        try await client.startDeferred(
            "obs.slow", options: CallOptions(timeout: .seconds(30), deferAfter: .zero), declaredErrors: [],
            arguments: { writer in
                writer.writeArrayHeader(1)
                writer.write(x)
            }, result: { try $0.read(Int64.self) })
    }

    func close() async {
        service.release.open()
        await client.close()
        await server.close()
    }
}
