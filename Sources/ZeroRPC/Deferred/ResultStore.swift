/// Where a server keeps deferred results until their client claims them.
///
/// One entry per ``DeferredToken``; the token's ``DeferredToken/issuer`` is the entry's
/// owner, the server running the job. The life of an entry:
///
/// 1. ``create(_:timeToLive:idempotencyKey:boundTo:)`` makes it ``DeferredStatus/pending``.
/// 2. ``reportProgress(_:progress:message:)`` makes it
///    ``DeferredStatus/running(progress:message:)``.
/// 3. ``complete(_:with:)`` records the outcome once; later completions are ignored.
/// 4. Reads (``lookup(_:)``, ``wait(for:upTo:)``) are idempotent: a finished entry stays
///    readable until ``acknowledge(_:)`` removes it or its time to live runs out.
/// 5. The time to live counts from completion. Unfinished entries do not expire; a store
///    shared between processes turns an unfinished entry whose owner stopped renewing its
///    lease into ``DeferredError/lost`` instead, so nothing stays pending forever.
/// 6. An expired entry leaves a tombstone for a while, so a late read gets
///    ``DeferredLookup/expired`` rather than ``DeferredLookup/unknown``.
///
/// An entry may be bound to a client's CurveZMQ key (``DeferredTokenBinding/clientKey``):
/// the store records the key with the entry and keeps it in the tombstone, and
/// ``boundClientKey(of:)`` reads it back; the server compares it with each caller's key.
///
/// Every method may be called from any task. Stores throw only for storage failures
/// (disk, a closed store); unknown tokens are answers, not errors.
public protocol ResultStore: Sendable {
    /// Creates a pending entry for `token`, or finds the live entry that already holds
    /// `idempotencyKey`.
    ///
    /// - Parameters:
    ///   - token: A fresh token; its issuer owns the entry.
    ///   - timeToLive: How long a finished entry stays unclaimed before it expires.
    ///   - idempotencyKey: An opaque key (the request header's `"idem"`, scoped by the
    ///     server as it sees fit: by method, and by client key when tokens are bound).
    ///     While an entry holding it is live (not acknowledged, not expired), creating
    ///     again with the key returns that entry's token.
    ///   - clientKey: The Z85 public key of the only client that may use the token, kept
    ///     with the entry and its tombstone; nil for a bearer token.
    func create(
        _ token: DeferredToken, timeToLive: Duration, idempotencyKey: String?, boundTo clientKey: String?
    ) async throws -> DeferredCreation

    /// The client key `token`'s entry (or its tombstone) was bound to when it was
    /// created; nil when the token is a bearer token or the store does not know it.
    func boundClientKey(of token: DeferredToken) async throws -> String?

    /// Records progress of an unfinished entry; `progress` is clamped to `0...1`, NaN
    /// is dropped. Returns false when the entry is finished or unknown.
    @discardableResult
    func reportProgress(_ token: DeferredToken, progress: Double?, message: String?) async throws -> Bool

    /// Records how the call ended and wakes everyone waiting for it. The outcome is
    /// stored (durably, for a durable store) before this returns. Returns false when the
    /// entry was already finished or is unknown; the first outcome wins.
    @discardableResult
    func complete(_ token: DeferredToken, with outcome: DeferredOutcome) async throws -> Bool

    /// What the store knows about `token` now.
    func lookup(_ token: DeferredToken) async throws -> DeferredLookup

    /// Waits until the entry finishes, at most `timeout` (a long poll): returns the outcome
    /// as soon as it is recorded, ``DeferredLookup/unfinished(_:)`` when the time runs out
    /// or the calling task is cancelled, and at once for expired or unknown tokens.
    /// Suspends without polling in-process; see each store for other processes.
    func wait(for token: DeferredToken, upTo timeout: Duration) async throws -> DeferredLookup

    /// Asks the owner to stop: sets the entry's cancellation flag and tells the owner's
    /// ``cancellationRequests(for:)`` streams once. The entry becomes
    /// ``DeferredStatus/cancelled`` when the owner completes it so. Returns true when the
    /// entry is unfinished (the flag is set), false when it is finished or unknown.
    @discardableResult
    func requestCancellation(_ token: DeferredToken) async throws -> Bool

    /// Whether cancellation of `token` was requested (through any store instance).
    func isCancellationRequested(_ token: DeferredToken) async throws -> Bool

    /// The tokens owned by `issuer` whose cancellation gets requested from now on, each
    /// once per stream. The stream ends when the caller stops iterating or the store
    /// closes.
    func cancellationRequests(for issuer: DeferredServerID) -> AsyncStream<DeferredToken>

    /// The client has the result: a finished entry goes at once (later reads answer
    /// ``DeferredLookup/unknown``). Returns false when the entry is unfinished (it stays)
    /// or unknown.
    @discardableResult
    func acknowledge(_ token: DeferredToken) async throws -> Bool

    /// Removes finished entries past their time to live, leaving tombstones, and drops
    /// tombstones past their retention. Returns how many entries expired.
    @discardableResult
    func expireEntries() async throws -> Int
}

extension ResultStore {
    /// Creates a pending entry for a bearer token (bound to no client key); see
    /// ``create(_:timeToLive:idempotencyKey:boundTo:)``.
    public func create(
        _ token: DeferredToken, timeToLive: Duration, idempotencyKey: String?
    ) async throws -> DeferredCreation {
        try await create(token, timeToLive: timeToLive, idempotencyKey: idempotencyKey, boundTo: nil)
    }

    /// The status of `token`, or nil when the store does not know it.
    public func status(of token: DeferredToken) async throws -> DeferredStatus? {
        try await lookup(token).status
    }
}
