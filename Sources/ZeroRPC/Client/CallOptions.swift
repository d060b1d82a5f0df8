/// Per-call settings.
public struct CallOptions: Sendable, Hashable {
    /// How long to wait for the first reply (zerorpc's timeout); heartbeats keep a long
    /// call alive after that. Default 30 s.
    public var timeout: Duration
    /// An absolute bound on the whole call, gRPC style; off by default.
    public var deadline: ContinuousClock.Instant? {
        get { deadlineOffset.map(ClockOffset.instant) }
        set { deadlineOffset = newValue.map(ClockOffset.of) }
    }
    /// `deadline`, stored as a `ClockOffset`: every call copies its options, and an
    /// instant inline made each copy go through value witnesses.
    private var deadlineOffset: Duration?
    /// The responsiveness budget of a deferred call; nil means not deferred.
    public var deferAfter: Duration?
    /// With a budget: a key that makes a resent request (same key, same method, within
    /// the result's time to live) answer with the first request's deferred token
    /// instead of running the handler again. Header key `"idem"`; nil (default) sends
    /// none. Make it unique per logical operation, e.g. a UUID kept across retries.
    public var idempotencyKey: String?

    /// A 30 s timeout, no deadline, not deferred.
    ///
    /// Stored once: every call that passes no options reads it, and building it anew
    /// (an optional `ContinuousClock.Instant`, a resilient type) cost ~270 instructions.
    public static let defaults = CallOptions()

    /// Options for one call; every parameter has the default of `CallOptions.defaults`.
    public init(
        timeout: Duration = .seconds(30), deadline: ContinuousClock.Instant? = nil, deferAfter: Duration? = nil,
        idempotencyKey: String? = nil
    ) {
        self.timeout = timeout
        self.deadlineOffset = deadline.map(ClockOffset.of)
        self.deferAfter = deferAfter
        self.idempotencyKey = idempotencyKey
    }
}

extension CallOptions {
    /// These options over a client's defaults (``ClientOptions/defaultCallOptions``):
    /// a timeout left at the built-in 30 s takes `defaults.timeout`; a deadline or
    /// deferral budget left nil takes the default's. The idempotency key is per call
    /// only (one key shared by every call would make them answer each other).
    public func merged(over defaults: CallOptions) -> CallOptions {
        var merged = self
        if timeout == CallOptions.builtInTimeout { merged.timeout = defaults.timeout }
        merged.deadline = deadline ?? defaults.deadline
        merged.deferAfter = deferAfter ?? defaults.deferAfter
        return merged
    }

    /// The timeout of ``defaults``.
    static let builtInTimeout: Duration = .seconds(30)
}
