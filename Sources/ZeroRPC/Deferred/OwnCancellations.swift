/// The cancellation requests a shared store instance tells its
/// ``ResultStore/cancellationRequests(for:)`` streams: each requested token of the jobs
/// this instance runs, once, however many times the request is seen (made through this
/// instance, found by a poll, announced by a notification, found again after a
/// reconnect).
package final class OwnCancellations: Sendable {
    private struct State {
        /// Requests already told to the streams, until their entry finishes.
        var delivered: Set<DeferredToken> = []
        /// Entries that finished while a `deliverAll` query ran: that query may have read
        /// them still requested, and must not tell them again.
        var finishedDuringQueries: Set<DeferredToken> = []
        var queriesRunning = 0
    }

    private let broadcast = CancellationBroadcast()
    private let state = LockedValue(State())

    package init() {}

    /// See ``ResultStore/cancellationRequests(for:)``.
    package func subscribe(_ issuer: DeferredServerID) -> AsyncStream<DeferredToken> {
        broadcast.subscribe(issuer)
    }

    /// Whether any stream listens, so a store can skip looking for requests.
    package var hasSubscribers: Bool { !broadcast.subscribedIssuers.isEmpty }

    /// Tells the streams about `token`, unless they were told already.
    package func deliver(_ token: DeferredToken) {
        let isNew = state.withLock { $0.delivered.insert(token).inserted }
        if isNew { broadcast.publish(token) }
    }

    /// The entry finished: a later request for the token (there is none) need not be
    /// remembered.
    package func forget(_ token: DeferredToken) {
        state.withLock { state in
            state.delivered.remove(token)
            if state.queriesRunning > 0 { state.finishedDuringQueries.insert(token) }
        }
    }

    /// Tells the streams about every token `requested()` finds (the unfinished entries of
    /// this instance whose cancellation was requested) and forgets delivered tokens that
    /// are no longer requested (finished elsewhere).
    ///
    /// A token whose entry finished here while the query ran (`forget`) is not told: the
    /// query may have read it before the completion, and telling it then would tell it twice.
    package func deliverAll(_ requested: () async throws -> [DeferredToken]) async throws {
        // Forget only what was delivered before the query and is no longer requested; a
        // token delivered meanwhile stays delivered.
        let deliveredBefore = state.withLock { state in
            state.queriesRunning += 1
            return state.delivered
        }
        let found: [DeferredToken]
        do {
            found = try await requested()
        } catch {
            state.withLock { Self.endQuery(&$0) }
            throw error
        }
        let stillRequested = state.withLock { state in
            let finishedMeanwhile = state.finishedDuringQueries
            Self.endQuery(&state)
            state.delivered.subtract(deliveredBefore.subtracting(found))
            return found.filter { !finishedMeanwhile.contains($0) }
        }
        for token in stillRequested { deliver(token) }
    }

    private static func endQuery(_ state: inout State) {
        state.queriesRunning -= 1
        if state.queriesRunning == 0 { state.finishedDuringQueries = [] }
    }

    /// Ends every stream, now and for later subscribers (the store closed).
    package func finishAll() {
        broadcast.finishAll()
    }
}
