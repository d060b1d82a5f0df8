// What `serve` and `client` install for an A/B run of the metrics interceptors' cost:
// nothing, the interceptors with no backend (swift-metrics' no-op default), or the
// interceptors reporting to a cheap in-process backend.
import ArgumentParser
import CoreMetrics
import Synchronization
import ZeroRPC
import ZeroRPCMetrics

enum BenchObservability: String, ExpressibleByArgument, CaseIterable {
    /// No interceptors: the default call path.
    case none
    /// One interceptor that only calls `next`: what leaving the direct call path costs.
    case passThrough = "pass-through"
    /// `ServerMetricsInterceptor`/`ClientMetricsInterceptor`, MetricsSystem not bootstrapped.
    case metricsNoBackend = "metrics-no-backend"
    /// The interceptors, MetricsSystem bootstrapped with `CountingMetricsFactory`.
    case metrics

    var serverInterceptors: [any ServerInterceptor] {
        bootstrapIfNeeded()
        switch self {
        case .none: return []
        case .passThrough: return [PassThrough()]
        case .metricsNoBackend, .metrics: return [ServerMetricsInterceptor()]
        }
    }

    var clientInterceptors: [any ClientInterceptor] {
        bootstrapIfNeeded()
        switch self {
        case .none: return []
        case .passThrough: return [PassThrough()]
        case .metricsNoBackend, .metrics: return [ClientMetricsInterceptor()]
        }
    }

    private func bootstrapIfNeeded() {
        guard self == .metrics, !Self.bootstrapped.exchange(true, ordering: .relaxed) else { return }
        MetricsSystem.bootstrap(CountingMetricsFactory())
    }

    private static let bootstrapped = Atomic<Bool>(false)
}

/// A metrics backend that only adds up what it is told, atomically: the cheapest real
/// backend, so a run measures the interceptors rather than an exporter.
struct CountingMetricsFactory: MetricsFactory {
    final class Handler: CounterHandler, RecorderHandler, TimerHandler, Sendable {
        let total = Atomic<Int64>(0)
        func increment(by amount: Int64) { total.wrappingAdd(amount, ordering: .relaxed) }
        func reset() { total.store(0, ordering: .relaxed) }
        func record(_ value: Int64) { total.store(value, ordering: .relaxed) }
        func record(_ value: Double) {
            total.store(Int64(clamping: Int(value.isFinite ? value : 0)), ordering: .relaxed)
        }
        func recordNanoseconds(_ duration: Int64) { total.wrappingAdd(duration, ordering: .relaxed) }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { Handler() }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Handler()
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { Handler() }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}

/// Calls `next` and nothing else, on both sides.
struct PassThrough: ServerInterceptor, ClientInterceptor {
    func intercept(_ context: ServerContext, next: (ServerContext) async throws -> Void) async throws {
        try await next(context)
    }

    func intercept(
        _ request: ClientRequest, next: (ClientRequest) async throws -> ClientReply
    ) async throws -> ClientReply {
        try await next(request)
    }
}
