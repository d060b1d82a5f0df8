/// The cancellation requests a shared store instance tells its
/// ``ResultStore/cancellationRequests(for:)`` streams: each requested token of the jobs
/// this instance runs, once, however many times the request is seen (made through this
/// instance, found by a poll, announced by a notification, found again after a
/// reconnect).
package final class OwnCancellations: Sendable {
    private let broadcast = CancellationBroadcast()
    /// Requests already told to the streams, until their entry finishes.
    private let delivered = LockedValue(Set<DeferredToken>())

    package init() {}

    /// See ``ResultStore/cancellationRequests(for:)``.
    package func subscribe(_ issuer: DeferredServerID) -> AsyncStream<DeferredToken> {
        broadcast.subscribe(issuer)
    }

    /// Whether any stream listens, so a store can skip looking for requests.
    package var hasSubscribers: Bool { !broadcast.subscribedIssuers.isEmpty }

    /// Tells the streams about `token`, unless they were told already.
    package func deliver(_ token: DeferredToken) {
        let isNew = delivered.withLock { $0.insert(token).inserted }
        if isNew { broadcast.publish(token) }
    }

    /// The entry finished: a later request for the token (there is none) need not be
    /// remembered.
    package func forget(_ token: DeferredToken) {
        _ = delivered.withLock { $0.remove(token) }
    }

    /// Tells the streams about every token `requested()` finds (the unfinished entries of
    /// this instance whose cancellation was requested) and forgets delivered tokens that
    /// are no longer requested (finished elsewhere).
    package func deliverAll(_ requested: () async throws -> [DeferredToken]) async throws {
        // Forget only what was delivered before the query and is no longer requested; a
        // token delivered meanwhile stays delivered.
        let deliveredBefore = delivered.withLock { $0 }
        let found = try await requested()
        let finished = deliveredBefore.subtracting(found)
        delivered.withLock { $0.subtract(finished) }
        for token in found { deliver(token) }
    }

    /// Ends every stream, now and for later subscribers (the store closed).
    package func finishAll() {
        broadcast.finishAll()
    }
}
