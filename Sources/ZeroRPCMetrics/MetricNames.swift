// The metric names and labels this product reports; docs/PRODUCTION.md lists them too.
import CoreMetrics
import ZeroRPC

/// Names of the metrics ``ServerMetricsInterceptor`` and ``ClientMetricsInterceptor``
/// report, and their labels. `method` is the wire name (`"calc.add"`); `outcome` is `ok`
/// or `error`.
public enum ZeroRPCMetricName {
    /// Counter `{method}`: calls whose handler started.
    public static let serverCallsStarted = "zerorpc_server_calls_started_total"
    /// Counter `{method, outcome}`: calls whose handler ended.
    public static let serverCallsFinished = "zerorpc_server_calls_finished_total"
    /// Timer `{method, outcome}`: how long handlers ran (interceptors after this one included).
    public static let serverCallDuration = "zerorpc_server_call_duration"
    /// Meter: handlers running now.
    public static let serverCallsInFlight = "zerorpc_server_calls_in_flight"
    /// Counter `{method}`: calls that arrived with a responsiveness budget, so they may
    /// be answered with a deferred token.
    public static let serverDeferrableCalls = "zerorpc_server_deferrable_calls_total"
    /// Counter `{method}`: items stream and generator handlers sent.
    public static let serverStreamItems = "zerorpc_server_stream_items_total"
    /// Gauge: deferred jobs whose handler still runs (``ZeroRPCGauges``).
    public static let serverDeferredJobsRunning = "zerorpc_server_deferred_jobs_running"
    /// Gauge: finished deferred results no client has claimed yet (``ZeroRPCGauges``).
    public static let serverDeferredResultsUnclaimed = "zerorpc_server_deferred_results_unclaimed"
    /// Gauge: a client's endpoints with a live connection (``ZeroRPCGauges``).
    public static let clientConnectedEndpoints = "zerorpc_client_connected_endpoints"

    /// Counter `{method}`: requests sent (deferred-call polls are not counted).
    public static let clientCallsStarted = "zerorpc_client_calls_started_total"
    /// Counter `{method, outcome}`: requests answered; `error` for `ERR` or a thrown error
    /// (timeout, lost server, cancellation).
    public static let clientCallsFinished = "zerorpc_client_calls_finished_total"
    /// Timer `{method, outcome}`: from the request to its first reply.
    public static let clientCallDuration = "zerorpc_client_call_duration"
    /// Meter: requests waiting for their first reply.
    public static let clientCallsInFlight = "zerorpc_client_calls_in_flight"
    /// Counter `{method}`: calls the server answered with a deferred token.
    public static let clientDeferredCalls = "zerorpc_client_deferred_calls_total"
}

/// One method's instruments, made once and reused: making a metric asks the factory
/// under its lock, which a busy server should not do per call.
final class MethodInstruments: CallEventObserver, Sendable {
    let started: Counter
    let finishedOK: Counter
    let finishedError: Counter
    let durationOK: Timer
    let durationError: Timer
    let deferred: Counter
    /// Server only: stream items, counted through ``CallEvents``.
    let streamItems: Counter

    init(method: String, side: Side, factory: any MetricsFactory) {
        let names = side.names
        let method = [("method", method)]
        started = Counter(label: names.started, dimensions: method, factory: factory)
        finishedOK = Counter(label: names.finished, dimensions: method + [("outcome", "ok")], factory: factory)
        finishedError = Counter(label: names.finished, dimensions: method + [("outcome", "error")], factory: factory)
        durationOK = Timer(label: names.duration, dimensions: method + [("outcome", "ok")], factory: factory)
        durationError = Timer(label: names.duration, dimensions: method + [("outcome", "error")], factory: factory)
        deferred = Counter(label: names.deferred, dimensions: method, factory: factory)
        streamItems = Counter(label: ZeroRPCMetricName.serverStreamItems, dimensions: method, factory: factory)
    }

    func streamItemSent() {
        streamItems.increment()
    }

    /// Records one finished call.
    func finish(ok: Bool, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        (ok ? finishedOK : finishedError).increment()
        (ok ? durationOK : durationError).recordNanoseconds(nanoseconds)
    }

    enum Side {
        case server, client

        var names: (started: String, finished: String, duration: String, deferred: String) {
            switch self {
            case .server:
                (
                    ZeroRPCMetricName.serverCallsStarted, ZeroRPCMetricName.serverCallsFinished,
                    ZeroRPCMetricName.serverCallDuration, ZeroRPCMetricName.serverDeferrableCalls
                )
            case .client:
                (
                    ZeroRPCMetricName.clientCallsStarted, ZeroRPCMetricName.clientCallsFinished,
                    ZeroRPCMetricName.clientCallDuration, ZeroRPCMetricName.clientDeferredCalls
                )
            }
        }
    }
}

/// The instruments of every method seen so far, per interceptor.
final class InstrumentCache: Sendable {
    private let side: MethodInstruments.Side
    private let factory: any MetricsFactory
    private let byMethod = LockedValue<[String: MethodInstruments]>([:])
    let inFlight: Meter

    init(side: MethodInstruments.Side, factory: any MetricsFactory) {
        self.side = side
        self.factory = factory
        let label = side == .server ? ZeroRPCMetricName.serverCallsInFlight : ZeroRPCMetricName.clientCallsInFlight
        inFlight = Meter(label: label, dimensions: [], factory: factory)
    }

    func instruments(for method: String) -> MethodInstruments {
        if let known = byMethod.withLock({ $0[method] }) { return known }
        let made = MethodInstruments(method: method, side: side, factory: factory)
        return byMethod.withLock { byMethod in
            if let known = byMethod[method] { return known }
            byMethod[method] = made
            return made
        }
    }
}
