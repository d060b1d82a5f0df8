import Foundation

/// One entry of a ``MemoryResultStore``, with the continuations of the tasks waiting for it.
struct MemoryEntry {
    enum State {
        case unfinished(DeferredStatus)
        case finished(DeferredOutcome, expiresAt: Date)
    }

    var state: State = .unfinished(.pending)
    let timeToLive: Duration
    let idempotencyKey: String?
    /// The only client key that may use the token; nil for a bearer token.
    let clientKey: String?
    var isCancellationRequested = false
    /// Each continuation is removed from here by whoever resumes it, under the shard's
    /// lock, so it is resumed exactly once.
    var waiters: [UInt64: CheckedContinuation<DeferredLookup, Never>] = [:]
}

/// What is left of an expired entry: when it expired and whom it was bound to.
struct MemoryTombstone {
    let expiredAt: Date
    let clientKey: String?
}

/// The entries whose tokens fall into one shard, and their tombstones.
struct MemoryShard {
    var entries: [DeferredToken: MemoryEntry] = [:]
    /// Expired tokens.
    var tombstones: [DeferredToken: MemoryTombstone] = [:]

    /// An entry that left: its idempotency key must leave the key index too.
    struct Removal {
        let token: DeferredToken
        let idempotencyKey: String?
    }

    /// The client key of the entry or tombstone of `token`; nil when unbound or unknown.
    func boundClientKey(of token: DeferredToken) -> String? {
        entries[token]?.clientKey ?? tombstones[token]?.clientKey
    }

    /// The entry's state at `now`, expiring it first when its time is up.
    mutating func read(_ token: DeferredToken, now: Date, tombstoneRetention: Duration) -> (DeferredLookup, Removal?) {
        guard let entry = entries[token] else {
            if let tombstone = tombstones[token],
                tombstone.expiredAt.addingTimeInterval(tombstoneRetention.timeInterval) > now
            {
                return (.expired, nil)
            }
            return (.unknown, nil)
        }
        switch entry.state {
        case .unfinished(let status):
            return (.unfinished(status), nil)
        case .finished(let outcome, let expiresAt):
            guard expiresAt <= now else { return (.finished(outcome), nil) }
            return (.expired, expire(token, at: now))
        }
    }

    /// Moves a finished entry to the tombstones.
    mutating func expire(_ token: DeferredToken, at now: Date) -> Removal? {
        guard let entry = entries.removeValue(forKey: token) else { return nil }
        tombstones[token] = MemoryTombstone(expiredAt: now, clientKey: entry.clientKey)
        return Removal(token: token, idempotencyKey: entry.idempotencyKey)
    }

    /// Expires every finished entry whose time is up and forgets old tombstones.
    mutating func sweep(now: Date, tombstoneRetention: Duration) -> [Removal] {
        let retention = tombstoneRetention.timeInterval
        tombstones = tombstones.filter { $0.value.expiredAt.addingTimeInterval(retention) > now }
        let due = entries.compactMap { token, entry -> DeferredToken? in
            if case .finished(_, let expiresAt) = entry.state, expiresAt <= now { return token }
            return nil
        }
        return due.compactMap { expire($0, at: now) }
    }

    /// Records the outcome of an unfinished entry; returns the waiters to resume, or nil
    /// when the entry is finished or unknown.
    mutating func finish(
        _ token: DeferredToken, with outcome: DeferredOutcome, now: Date
    ) -> [CheckedContinuation<DeferredLookup, Never>]? {
        guard var entry = entries[token], case .unfinished = entry.state else { return nil }
        entry.state = .finished(outcome, expiresAt: now.addingTimeInterval(max(entry.timeToLive, .zero).timeInterval))
        let waiters = Array(entry.waiters.values)
        entry.waiters = [:]
        entries[token] = entry
        return waiters
    }
}

/// A shard behind its own lock; a class so shards can live in an array.
final class MemoryShardBox: Sendable {
    let state = LockedValue(MemoryShard())
}

/// Part of the index from idempotency key to token, behind its own lock.
final class IdempotencyIndexBox: Sendable {
    let tokens = LockedValue([String: DeferredToken]())
}
