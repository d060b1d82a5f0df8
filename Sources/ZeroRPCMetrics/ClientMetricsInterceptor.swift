// Client call metrics (swift-metrics) as a client interceptor.
import CoreMetrics
import ZeroRPC

/// Counts and times every request a client sends: requests started and answered by
/// method and outcome, the time to the first reply, the requests in flight, and the
/// calls answered with a deferred token (see ``ZeroRPCMetricName``). Protocol requests
/// (`_zpc_result` polls of a deferred call) are not counted.
///
/// ```swift
/// let client = try Client(
///     connect: [endpoint], options: ClientOptions(interceptors: [ClientMetricsInterceptor()]))
/// ```
public struct ClientMetricsInterceptor: ClientInterceptor {
    private let cache: InstrumentCache

    /// Reports to `factory`; by default the one the application bootstrapped (a no-op
    /// until it does).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        cache = InstrumentCache(side: .client, factory: factory)
    }

    public func intercept(
        _ request: ClientRequest, next: (ClientRequest) async throws -> ClientReply
    ) async throws -> ClientReply {
        guard !request.method.hasPrefix("_") else { return try await next(request) }
        let instruments = cache.instruments(for: request.method)
        instruments.started.increment()
        cache.inFlight.increment()
        let start = ContinuousClock.now
        let reply: ClientReply
        do {
            reply = try await next(request)
        } catch {
            cache.inFlight.decrement()
            instruments.finish(ok: false, since: start)
            throw error
        }
        cache.inFlight.decrement()
        instruments.finish(ok: reply.event != "ERR", since: start)
        if reply.event == "DEFERRED" { instruments.deferred.increment() }
        return reply
    }
}
