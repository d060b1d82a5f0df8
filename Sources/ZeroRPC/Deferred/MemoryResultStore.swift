import Foundation
import Synchronization

/// The default ``ResultStore``: entries in this process's memory.
///
/// Entries are spread over 64 shards by the token's random bits, each behind its own
/// lock, so lookups are O(1) and unrelated calls rarely contend. Waiters suspend on a
/// continuation kept with the entry and are resumed exactly once: by the completion, by
/// their timeout, or by the cancellation of their task.
///
/// Finished entries expire lazily when read past their time to live; call
/// ``expireEntries()`` or run ``runExpiry(every:)`` to reclaim unread ones.
public final class MemoryResultStore: ResultStore {
    /// How long a tombstone of an expired entry is kept (default one hour).
    public let tombstoneRetention: Duration
    private let clock: ResultStoreClock
    private let shards: [MemoryShardBox]
    private let idempotencyIndex: [IdempotencyIndexBox]
    private let cancellations = CancellationBroadcast()
    private let lastWaiterID = Atomic<UInt64>(0)

    static let shardCount = 64
    static let idempotencyShardCount = 16

    /// A store keeping tombstones for `tombstoneRetention`, timed by `clock`.
    public init(tombstoneRetention: Duration = .seconds(3600), clock: ResultStoreClock = .system) {
        self.tombstoneRetention = tombstoneRetention
        self.clock = clock
        shards = (0..<Self.shardCount).map { _ in MemoryShardBox() }
        idempotencyIndex = (0..<Self.idempotencyShardCount).map { _ in IdempotencyIndexBox() }
    }

    deinit {
        cancellations.finishAll()
    }

    public func create(
        _ token: DeferredToken, timeToLive: Duration, idempotencyKey: String?, boundTo clientKey: String?
    ) async -> DeferredCreation {
        let entry = MemoryEntry(timeToLive: timeToLive, idempotencyKey: idempotencyKey, clientKey: clientKey)
        guard let idempotencyKey else { return insert(entry, for: token) }
        // Lock order: key index, then shard. Nothing takes them the other way round.
        return indexBox(for: idempotencyKey).tokens.withLock { index in
            if let existing = index[idempotencyKey], existing != token {
                let (state, _) = shard(for: existing).state.withLock {
                    $0.read(existing, now: clock.now(), tombstoneRetention: tombstoneRetention)
                }
                switch state {
                case .unfinished, .finished: return .existing(existing)
                case .expired, .unknown: break
                }
            }
            let creation = insert(entry, for: token)
            if creation == .created { index[idempotencyKey] = token }
            return creation
        }
    }

    public func boundClientKey(of token: DeferredToken) async -> String? {
        shard(for: token).state.withLock { $0.boundClientKey(of: token) }
    }

    @discardableResult
    public func reportProgress(_ token: DeferredToken, progress: Double?, message: String?) async -> Bool {
        shard(for: token).state.withLock { shard in
            guard var entry = shard.entries[token], case .unfinished = entry.state else { return false }
            entry.state = .unfinished(.running(progress: progress.clampedProgress, message: message))
            shard.entries[token] = entry
            return true
        }
    }

    @discardableResult
    public func complete(_ token: DeferredToken, with outcome: DeferredOutcome) async -> Bool {
        let now = clock.now()
        guard let waiters = shard(for: token).state.withLock({ $0.finish(token, with: outcome, now: now) }) else {
            return false
        }
        for waiter in waiters { waiter.resume(returning: .finished(outcome)) }
        return true
    }

    public func lookup(_ token: DeferredToken) async -> DeferredLookup {
        read(token)
    }

    public func wait(for token: DeferredToken, upTo timeout: Duration) async -> DeferredLookup {
        let current = read(token)
        guard case .unfinished = current, timeout > .zero, !Task.isCancelled else { return current }
        let answer = try? await raceAgainstTimeout(timeout) { await self.waitUntilFinished(token) }
        return answer ?? read(token)
    }

    @discardableResult
    public func requestCancellation(_ token: DeferredToken) async -> Bool {
        let (isUnfinished, isFirstRequest) = shard(for: token).state.withLock { shard in
            guard var entry = shard.entries[token], case .unfinished = entry.state else { return (false, false) }
            let isFirst = !entry.isCancellationRequested
            entry.isCancellationRequested = true
            shard.entries[token] = entry
            return (true, isFirst)
        }
        if isFirstRequest { cancellations.publish(token) }
        return isUnfinished
    }

    public func isCancellationRequested(_ token: DeferredToken) async -> Bool {
        shard(for: token).state.withLock { $0.entries[token]?.isCancellationRequested ?? false }
    }

    public func cancellationRequests(for issuer: DeferredServerID) -> AsyncStream<DeferredToken> {
        cancellations.subscribe(issuer)
    }

    @discardableResult
    public func acknowledge(_ token: DeferredToken) async -> Bool {
        let removal: MemoryShard.Removal? = shard(for: token).state.withLock { shard in
            guard let entry = shard.entries[token], case .finished = entry.state else { return nil }
            shard.entries[token] = nil
            return MemoryShard.Removal(token: token, idempotencyKey: entry.idempotencyKey)
        }
        guard let removal else { return false }
        forgetKeys(of: [removal])
        return true
    }

    @discardableResult
    public func expireEntries() async -> Int {
        let now = clock.now()
        var expired = 0
        for box in shards {
            let removals = box.state.withLock { $0.sweep(now: now, tombstoneRetention: tombstoneRetention) }
            forgetKeys(of: removals)
            expired += removals.count
        }
        return expired
    }

    /// Calls ``expireEntries()`` every `interval` until the calling task is cancelled.
    public func runExpiry(every interval: Duration) async {
        while (try? await Task.sleep(for: interval)) != nil {
            await expireEntries()
        }
    }

    /// How many entries the store holds (finished or not), for metrics and tests.
    public var entryCount: Int {
        shards.reduce(0) { count, box in count + box.state.withLock { $0.entries.count } }
    }

    /// How many tasks wait for `token`, so tests can tell a suspended waiter from a
    /// fast answer.
    func waiterCount(for token: DeferredToken) -> Int {
        shard(for: token).state.withLock { $0.entries[token]?.waiters.count ?? 0 }
    }

    // MARK: - Internals

    private func shard(for token: DeferredToken) -> MemoryShardBox {
        shards[Int(token.shardingBits % UInt64(Self.shardCount))]
    }

    private func indexBox(for key: String) -> IdempotencyIndexBox {
        idempotencyIndex[Int(UInt(bitPattern: key.hashValue) % UInt(Self.idempotencyShardCount))]
    }

    private func insert(_ entry: MemoryEntry, for token: DeferredToken) -> DeferredCreation {
        shard(for: token).state.withLock { shard in
            guard shard.entries[token] == nil else { return .existing(token) }
            shard.tombstones[token] = nil
            shard.entries[token] = entry
            return .created
        }
    }

    private func read(_ token: DeferredToken) -> DeferredLookup {
        let now = clock.now()
        let (state, removal) = shard(for: token).state.withLock {
            $0.read(token, now: now, tombstoneRetention: tombstoneRetention)
        }
        if let removal { forgetKeys(of: [removal]) }
        return state
    }

    private func forgetKeys(of removals: [MemoryShard.Removal]) {
        for removal in removals {
            guard let key = removal.idempotencyKey else { continue }
            indexBox(for: key).tokens.withLock { index in
                if index[key] == removal.token { index[key] = nil }
            }
        }
    }

    /// Suspends until the entry finishes; returns its current state at once when it is
    /// not unfinished, and when the task is (or gets) cancelled.
    private func waitUntilFinished(_ token: DeferredToken) async -> DeferredLookup {
        let id = lastWaiterID.wrappingAdd(1, ordering: .relaxed).newValue
        let box = shard(for: token)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = clock.now()
                let immediate: DeferredLookup? = box.state.withLock { shard in
                    let (state, _) = shard.read(token, now: now, tombstoneRetention: tombstoneRetention)
                    guard case .unfinished = state, !Task.isCancelled else { return state }
                    shard.entries[token]?.waiters[id] = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let now = clock.now()
            let (waiter, state) = box.state.withLock { shard in
                (
                    shard.entries[token]?.waiters.removeValue(forKey: id),
                    shard.read(token, now: now, tombstoneRetention: tombstoneRetention).0
                )
            }
            waiter?.resume(returning: state)
        }
    }
}
