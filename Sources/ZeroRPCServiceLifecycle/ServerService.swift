// A zerorpc `Server` as a swift-service-lifecycle `Service`: a `ServiceGroup`'s graceful
// shutdown (SIGTERM, say) drains the server instead of killing its calls.
import ServiceLifecycle
import ZeroRPC

/// Runs a ``ZeroRPC/Server`` inside a `ServiceGroup`.
///
/// `run()` serves until the group shuts down. A graceful shutdown (a signal the group
/// was configured with, or a service before it ending) shuts the server down with
/// ``onGracefulShutdown`` — by default ``ZeroRPC/ShutdownMode/graceful(timeout:)``
/// with 30 s: new calls are refused, calls in flight finish, then the socket closes.
/// Cancelling the group's task closes the server at once (``ZeroRPC/Server/close()``).
///
/// ```swift
/// let server = Server(options: ServerOptions(logger: logger))
/// try server.register(CalculatorImplementation())
/// try server.bind("tcp://0.0.0.0:4242")
/// let group = ServiceGroup(
///     services: [ServerService(server, onGracefulShutdown: .graceful(timeout: .seconds(10)))],
///     gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
public struct ServerService: Service {
    /// The server this service runs; bind it (or connect it) before the group starts.
    public let server: Server
    /// How the server shuts down when the group asks it to gracefully.
    public var onGracefulShutdown: ShutdownMode

    /// Wraps `server`; `onGracefulShutdown` says how a graceful shutdown ends it.
    public init(_ server: Server, onGracefulShutdown: ShutdownMode = .graceful(timeout: .seconds(30))) {
        self.server = server
        self.onGracefulShutdown = onGracefulShutdown
    }

    /// Serves until the server is closed: by the group's graceful shutdown, by
    /// cancellation, or by anyone calling `close()`/`shutdown(_:)` on it.
    public func run() async throws {
        let server = self.server
        let mode = onGracefulShutdown
        let served: Result<Void, any Error> = await withDiscardingTaskGroup { group in
            group.addTask {
                // Returns at a graceful shutdown; throws when the group cancels this task
                // (or when `run()` below returned first and cancelled it).
                do {
                    try await gracefulShutdown()
                    await server.shutdown(mode)
                } catch {
                    await server.close()
                }
            }
            defer { group.cancelAll() }
            // Not cancellation-aware on purpose: the task above closes the server on
            // cancellation, and this returns once it is closed (or throws when the
            // server's thread could not start).
            do {
                try await server.run()
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try served.get()
    }
}

extension Server {
    /// This server as a swift-service-lifecycle `Service` (see ``ServerService``).
    public func service(onGracefulShutdown: ShutdownMode = .graceful(timeout: .seconds(30))) -> ServerService {
        ServerService(self, onGracefulShutdown: onGracefulShutdown)
    }
}
