import Foundation
import ZeroRPC

/// A durable ``ResultStore`` in an SQLite file: results survive a server restart, and
/// several server processes (or several stores in one process) pointing at one file can
/// each answer any token.
///
/// - Durability: the file runs in WAL mode with `synchronous = FULL`; ``complete(_:with:)``
///   returns only after the outcome is committed, so `done` is never reported for a
///   result a crash could lose.
/// - Leases: each entry records the store instance and process that run it, and a lease
///   that instance renews while it lives (every third of
///   ``Configuration/leaseDuration``). When a lease runs out (the process died), the
///   entry reads as failed with ``DeferredError/lost``; it never stays pending forever.
///   ``close()`` does not touch unfinished entries: they turn lost when their lease ends.
/// - Waiting: a completion through this instance wakes its waiters at once; completions
///   written by other processes are seen by re-reading the file every
///   ``Configuration/pollInterval`` (default 50 ms) while someone waits.
/// - Cancellation requested through any instance reaches the owning instance's
///   ``cancellationRequests(for:)`` streams within a poll interval (at once in-process).
/// - SQLite's blocking calls run on a serial dispatch queue that owns the connection,
///   never on Swift's cooperative thread pool.
public final class SQLiteResultStore: ResultStore {
    /// Timing of a store; the defaults suit production, tests shorten them.
    public struct Configuration: Sendable {
        /// How long an unfinished entry survives its owner's silence (default 30 s).
        public var leaseDuration: Duration
        /// How often waiters re-read the file and cancellation requests are looked for
        /// (default 50 ms).
        public var pollInterval: Duration
        /// How often finished entries past their time to live are removed (default 60 s).
        public var sweepInterval: Duration
        /// How long a tombstone of an expired entry is kept (default one hour).
        public var tombstoneRetention: Duration
        /// How long a statement waits for another process's write lock (default 5 s).
        public var busyTimeout: Duration
        /// The wall clock for time to live, leases and tombstones.
        public var clock: ResultStoreClock

        /// A configuration; every parameter defaults to the production value above.
        public init(
            leaseDuration: Duration = .seconds(30), pollInterval: Duration = .milliseconds(50),
            sweepInterval: Duration = .seconds(60), tombstoneRetention: Duration = .seconds(3600),
            busyTimeout: Duration = .seconds(5), clock: ResultStoreClock = .system
        ) {
            self.leaseDuration = leaseDuration
            self.pollInterval = pollInterval
            self.sweepInterval = sweepInterval
            self.tombstoneRetention = tombstoneRetention
            self.busyTimeout = busyTimeout
            self.clock = clock
        }
    }

    /// The database file.
    public let path: String
    /// The timing the store was opened with.
    public let configuration: Configuration
    /// This instance's id, recorded as the lease holder of the entries it creates.
    public let instanceID: String

    let table: SQLiteResultTable
    let worker: SQLiteWorker
    let wakeUps = LocalWakeUps()
    let cancellations = OwnCancellations()
    let maintenance = LockedValue(MaintenanceState())

    /// Opens (creating if needed) the store at `path` and starts renewing this
    /// instance's leases.
    public init(path: String, configuration: Configuration = .init()) async throws {
        self.path = path
        self.configuration = configuration
        instanceID = DeferredServerID.random().text
        table = SQLiteResultTable(
            holder: instanceID,
            holderProcessID: Int64(ProcessInfo.processInfo.processIdentifier),
            leaseMilliseconds: configuration.leaseDuration.wholeMilliseconds,
            tombstoneRetentionMilliseconds: configuration.tombstoneRetention.wholeMilliseconds)
        worker = try await SQLiteWorker(
            path: path, busyTimeout: configuration.busyTimeout, label: "zerorpc.deferred.sqlite.\(instanceID)")
        let table = table
        do {
            try await worker.run { try table.prepareSchema($0) }
        } catch {
            await worker.close()
            throw error
        }
        startMaintenance()
    }

    /// Stops renewing leases, ends the cancellation streams and closes the file after
    /// the work already queued. Later calls throw ``ResultStoreError/closed``.
    public func close() async {
        stopMaintenance()
        cancellations.finishAll()
        await worker.close()
        wakeUps.signalAll()
    }

    deinit {
        stopMaintenance()
        cancellations.finishAll()
    }

    public func create(
        _ token: DeferredToken, timeToLive: Duration, idempotencyKey: String?, boundTo clientKey: String?
    ) async throws -> DeferredCreation {
        let (table, now, ttl) = (table, now(), timeToLive.wholeMilliseconds)
        return try await worker.run {
            try table.create(
                $0, token: token, timeToLive: ttl, idempotencyKey: idempotencyKey, clientKey: clientKey, now: now)
        }
    }

    public func boundClientKey(of token: DeferredToken) async throws -> String? {
        let table = table
        return try await worker.run { try table.boundClientKey($0, token: token) }
    }

    @discardableResult
    public func reportProgress(_ token: DeferredToken, progress: Double?, message: String?) async throws -> Bool {
        let (table, progress) = (table, progress.clampedProgress)
        return try await worker.run { try table.reportProgress($0, token: token, progress: progress, message: message) }
    }

    @discardableResult
    public func complete(_ token: DeferredToken, with outcome: DeferredOutcome) async throws -> Bool {
        let (table, now) = (table, now())
        let completed = try await worker.run { try table.complete($0, token: token, outcome: outcome, now: now) }
        cancellations.forget(token)
        wakeUps.signal(token)
        return completed
    }

    public func lookup(_ token: DeferredToken) async throws -> DeferredLookup {
        let (table, now) = (table, now())
        return try await worker.run { try table.lookup($0, token: token, now: now) }
    }

    public func wait(for token: DeferredToken, upTo timeout: Duration) async throws -> DeferredLookup {
        try await wakeUps.longPoll(token, upTo: timeout) { (try await self.lookup(token), nil) }
    }

    @discardableResult
    public func requestCancellation(_ token: DeferredToken) async throws -> Bool {
        let table = table
        let (isUnfinished, holder) = try await worker.run { try table.requestCancellation($0, token: token) }
        if holder == instanceID { cancellations.deliver(token) }
        return isUnfinished
    }

    public func isCancellationRequested(_ token: DeferredToken) async throws -> Bool {
        let table = table
        return try await worker.run { try table.isCancellationRequested($0, token: token) }
    }

    public func cancellationRequests(for issuer: DeferredServerID) -> AsyncStream<DeferredToken> {
        cancellations.subscribe(issuer)
    }

    @discardableResult
    public func acknowledge(_ token: DeferredToken) async throws -> Bool {
        let (table, now) = (table, now())
        return try await worker.run { try table.acknowledge($0, token: token, now: now) }
    }

    @discardableResult
    public func expireEntries() async throws -> Int {
        let (table, now) = (table, now())
        return try await worker.run { try table.sweep($0, now: now) }
    }

    /// Extends the lease of every unfinished entry this instance runs; the store does
    /// this by itself every third of the lease. Returns how many leases were renewed.
    @discardableResult
    public func renewLeases() async throws -> Int {
        let (table, now) = (table, now())
        let renewed = try await worker.run { try table.renewLeases($0, now: now) }
        maintenance.withLock { $0.lastRenewal = now }
        return renewed
    }

    // MARK: - Internals

    func now() -> Int64 { configuration.clock.nowMilliseconds() }

    /// How many tasks of this process wait for `token`.
    func waiterCount(for token: DeferredToken) -> Int { wakeUps.count(for: token) }
}
