// `ResultStore.wait(for:upTo:)` for the shared stores (SQLite, PostgreSQL): the
// long poll and its re-read loop, written once; each store gives only its read.

extension LocalWakeUps {
    /// What a shared store's read says about an entry: its state, and for an unfinished
    /// one how long until its owner's lease runs out (nil: the store has no such timer,
    /// or the lease is unknown).
    package typealias Reading = (lookup: DeferredLookup, leaseLeft: Duration?)

    /// The long poll of a store that reads `token`'s entry with `read`: the state at once
    /// unless it is unfinished, else re-read on each of this instance's wake-ups for
    /// `token` (and when the lease of its owner would end, for the case nobody announces:
    /// the owner died) until it finished, `timeout` passed or the task is cancelled.
    package func longPoll(
        _ token: DeferredToken, upTo timeout: Duration, read: @escaping @Sendable () async throws -> Reading
    ) async throws -> DeferredLookup {
        try await ZeroRPC.longPoll(upTo: timeout) {
            try await read().lookup
        } waitUntilFinished: {
            try await self.waitUntilFinished(token, read: read)
        }
    }

    /// Re-reads the entry whenever it is signaled, until it is no longer unfinished or
    /// the task is cancelled.
    private func waitUntilFinished(
        _ token: DeferredToken, read: @Sendable () async throws -> Reading
    ) async throws -> DeferredLookup {
        while true {
            let ticket = register(token)
            let current: Reading
            do {
                current = try await read()
            } catch {
                cancel(ticket, for: token)
                throw error
            }
            guard case .unfinished = current.lookup, !Task.isCancelled else {
                cancel(ticket, for: token)
                return current.lookup
            }
            // Not a poll: one timer at the moment the owner's lease would end. A live
            // owner renews it meanwhile, and the re-read then finds the later end.
            let leaseTimer = current.leaseLeft.map { left in
                Task {
                    guard (try? await Task.sleep(for: left + .milliseconds(5))) != nil else { return }
                    self.signal(ticket, for: token)
                }
            }
            await wait(ticket, for: token)
            leaseTimer?.cancel()
            if Task.isCancelled { return try await read().lookup }
        }
    }
}
