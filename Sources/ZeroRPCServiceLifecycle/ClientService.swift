// A zerorpc `Client` as a swift-service-lifecycle `Service`: the group closes it when it
// shuts down, after the services listed after it (which may still call through it).
import ServiceLifecycle
import ZeroRPC

/// Keeps a ``ZeroRPC/Client`` open for as long as a `ServiceGroup` runs, and closes it
/// when the group shuts down.
///
/// A `ServiceGroup` shuts services down gracefully in reverse order, so list the client
/// *before* the services that call through it: they finish their calls first.
///
/// ```swift
/// let client = try Client(connect: ["tcp://pricing:4242"])
/// let group = ServiceGroup(
///     services: [ClientService(client), ServerService(server)],
///     gracefulShutdownSignals: [.sigterm], logger: logger)
/// ```
public struct ClientService: Service {
    /// The client this service closes.
    public let client: Client

    /// Wraps `client`.
    public init(_ client: Client) {
        self.client = client
    }

    /// Waits for the group's graceful shutdown (or cancellation), then closes the client:
    /// calls still pending fail with `RPCError.closed`.
    public func run() async throws {
        try? await gracefulShutdown()
        await client.close()
    }
}
