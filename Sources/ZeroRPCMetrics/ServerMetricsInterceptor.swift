// Server call metrics (swift-metrics) as a server interceptor: nothing is measured
// unless it is installed, and nothing is reported unless the application bootstrapped
// a metrics backend.
import CoreMetrics
import ZeroRPC

/// Counts and times every call a server handles: calls started and finished by method
/// and outcome, their duration, the handlers in flight, the items streams sent, and the
/// calls that came with a responsiveness budget (see ``ZeroRPCMetricName`` for names and
/// labels). ``ZeroRPCGauges`` samples what is a level rather than an event.
///
/// Put it first in `ServerOptions.interceptors` to count calls other interceptors
/// refuse (as `outcome=error`), last to count only calls that reach their handler.
///
/// ```swift
/// MetricsSystem.bootstrap(PrometheusMetricsFactory())
/// let server = Server(options: ServerOptions(interceptors: [ServerMetricsInterceptor()]))
/// ```
public struct ServerMetricsInterceptor: ServerInterceptor {
    private let cache: InstrumentCache

    /// Reports to `factory`; by default the one the application bootstrapped (a no-op
    /// until it does).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        cache = InstrumentCache(side: .server, factory: factory)
    }

    public func intercept(_ context: ServerContext, next: (ServerContext) async throws -> Void) async throws {
        let instruments = cache.instruments(for: context.method)
        instruments.started.increment()
        if context.acceptsDeferral { instruments.deferred.increment() }
        cache.inFlight.increment()
        let start = ContinuousClock.now
        do {
            try await CallEvents.$observer.withValue(instruments) { try await next(context) }
        } catch {
            cache.inFlight.decrement()
            instruments.finish(ok: false, since: start)
            throw error
        }
        cache.inFlight.decrement()
        instruments.finish(ok: true, since: start)
    }
}
