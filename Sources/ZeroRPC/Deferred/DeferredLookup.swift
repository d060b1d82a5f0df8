/// What a ``ResultStore`` knows about a token: the answer to `_zpc_status` and
/// `_zpc_result`.
public enum DeferredLookup: Sendable, Hashable {
    /// The call is still running; the associated status is ``DeferredStatus/pending`` or
    /// ``DeferredStatus/running(progress:message:)``.
    case unfinished(DeferredStatus)
    /// The call finished; the entry stays readable until acknowledged or expired.
    case finished(DeferredOutcome)
    /// The entry existed but outlived its time to live (the wire's `expired`).
    case expired
    /// The store never knew the token, or it was acknowledged, or its expiry was long
    /// enough ago that the tombstone went too (the wire's `deferredNotFound`).
    case unknown

    /// The status to report, or nil for an unknown token.
    public var status: DeferredStatus? {
        switch self {
        case .unfinished(let status): status
        case .finished(let outcome): outcome.status
        case .expired: .expired
        case .unknown: nil
        }
    }
}

/// The answer to ``ResultStore/create(_:timeToLive:idempotencyKey:boundTo:)``.
public enum DeferredCreation: Sendable, Hashable {
    /// A new pending entry was created for the token given; the caller runs the job.
    case created
    /// A live entry already holds the idempotency key; the caller answers with this
    /// token and does not run the job again.
    case existing(DeferredToken)
}
