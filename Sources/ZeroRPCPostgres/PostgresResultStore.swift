// PostgresResultStore: deferred results in a PostgreSQL database that servers on many
// hosts share. The SQL is in PostgresResultTable; the LISTEN loop and the lease renewal
// are in PostgresResultStore+Background.swift.
import Foundation
import Logging
import PostgresNIO
import ZeroRPC

/// A ``ResultStore`` in a PostgreSQL database: servers on any number of hosts pointing at
/// one database each answer any token, with no shared files.
///
/// ```swift
/// let store = try await PostgresResultStore(url: "postgres://zerorpc:secret@db.internal/app")
/// let server = Server(options: ServerOptions(deferred: .init(store: store, serverID: DeferredServerID("calc-1"))))
/// …
/// await store.close()
/// ```
///
/// Its rules are those of `SQLiteResultStore` (product `ZeroRPCSQLite`), with the database in place of the file:
/// - Durability: ``complete(_:with:)`` returns once the outcome is committed.
/// - Leases: each entry records the store instance running it; the instance renews its
///   leases every third of ``Configuration/leaseDuration``. An entry whose lease ran out
///   (its process died, or lost the database for longer than the lease) reads as failed
///   with ``DeferredError/lost``.
/// - Waiting: a long poll suspends until a `NOTIFY` says the entry finished (a trigger
///   announces every completion, whichever server wrote it), or until the owner's lease
///   would run out; it never re-reads the table on a timer.
/// - Cancellation requested through any instance reaches the owning instance's
///   ``cancellationRequests(for:)`` streams through `NOTIFY` as well.
/// - Connections: a pool (`PostgresClient`) for statements, and one pooled connection held
///   for `LISTEN`. When the database restarts, both reconnect by themselves; the listener
///   then wakes every waiter and looks for cancellation requests, since notifications sent
///   while it was away are lost.
/// - Failures: an operation that cannot reach the database within
///   ``Configuration/operationTimeout`` throws ``ResultStoreError/unreachable(reason:operation:)``;
///   a server then answers the call with an error instead of a token.
public final class PostgresResultStore: ResultStore {
    /// Where the tables live and the store's timing; the defaults suit production.
    public struct Configuration: Sendable {
        /// The PostgreSQL schema holding the tables (default `zerorpc_deferred`): 1 to 48
        /// characters from `a-z 0-9 _`, not starting with a digit. Stores that should share
        /// results use the same schema.
        public var schema: String
        /// How long an unfinished entry survives its owner's silence (default 30 s).
        public var leaseDuration: Duration
        /// How often finished entries past their time to live are removed (default 60 s).
        public var sweepInterval: Duration
        /// How long a tombstone of an expired entry is kept (default one hour).
        public var tombstoneRetention: Duration
        /// How long one operation may wait for the database (a connection, then its
        /// statement) before it throws ``ResultStoreError/unreachable(reason:operation:)``
        /// (default 5 s).
        public var operationTimeout: Duration
        /// The wall clock for time to live, leases and tombstones; nil (the default) reads
        /// the database server's clock in each statement, so hosts whose clocks disagree
        /// still agree. Tests inject a clock they move by hand.
        public var clock: ResultStoreClock?

        /// A configuration; every parameter defaults to the production value above.
        public init(
            schema: String = "zerorpc_deferred", leaseDuration: Duration = .seconds(30),
            sweepInterval: Duration = .seconds(60), tombstoneRetention: Duration = .seconds(3600),
            operationTimeout: Duration = .seconds(5), clock: ResultStoreClock? = nil
        ) {
            self.schema = schema
            self.leaseDuration = leaseDuration
            self.sweepInterval = sweepInterval
            self.tombstoneRetention = tombstoneRetention
            self.operationTimeout = operationTimeout
            self.clock = clock
        }

        /// Whether `name` is accepted as ``schema``: it is spliced into SQL as an
        /// identifier and into the `NOTIFY` channel name, so it is kept to a safe alphabet.
        public static func isValidSchema(_ name: String) -> Bool {
            let utf8 = name.utf8
            guard let first = utf8.first, utf8.count <= 48, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
            else { return false }
            return utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
            }
        }
    }

    /// The store's timing and schema.
    public let configuration: Configuration
    /// This instance's id, recorded as the lease holder of the entries it creates.
    public let instanceID: String

    let client: PostgresClient
    let table: PostgresResultTable
    let logger: Logger
    let wakeUps = LocalWakeUps()
    let cancellations = OwnCancellations()
    let background = LockedValue(BackgroundState())

    /// Connects to the database at `url` (`postgres://user:password@host:port/database`,
    /// see ``PostgresURL``), creates or migrates the schema, and starts listening for
    /// notifications and renewing this instance's leases.
    ///
    /// - Throws: ``ResultStoreError/unreachable(reason:operation:)`` when the database
    ///   does not answer within the operation timeout, ``ResultStoreError/unsupportedSchema(version:path:)``,
    ///   ``ResultStoreError/database(message:operation:)``, or `PostgresURL.Error` for a
    ///   malformed URL.
    public convenience init(
        url: String, configuration: Configuration = .init(),
        logger: Logger = Logger(label: "zerorpc.deferred.postgres")
    ) async throws {
        try await self.init(
            clientConfiguration: try PostgresURL(url).clientConfiguration, configuration: configuration,
            logger: logger)
    }

    /// Connects with a `PostgresClient.Configuration` of your own (TLS settings, pool
    /// size, a Unix socket); otherwise as ``init(url:configuration:logger:)``.
    public init(
        clientConfiguration: PostgresClient.Configuration, configuration: Configuration = .init(),
        logger: Logger = Logger(label: "zerorpc.deferred.postgres")
    ) async throws {
        guard Configuration.isValidSchema(configuration.schema) else {
            throw ResultStoreError.database(
                message: "invalid schema name '\(configuration.schema.prefix(80))' (1-48 of a-z 0-9 _)",
                operation: "opening the store")
        }
        self.configuration = configuration
        self.logger = logger
        instanceID = DeferredServerID.random().text
        table = PostgresResultTable(
            schema: configuration.schema, holder: instanceID,
            holderProcessID: Int32(truncatingIfNeeded: ProcessInfo.processInfo.processIdentifier),
            leaseMilliseconds: configuration.leaseDuration.wholeMilliseconds,
            tombstoneRetentionMilliseconds: configuration.tombstoneRetention.wholeMilliseconds)
        // The pool logs each failed connection attempt at `info`; the store reports what
        // matters through its errors and its own warnings.
        var poolLogger = logger
        poolLogger.logLevel = max(logger.logLevel, .warning)
        let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: poolLogger)
        self.client = client
        let runner = Task { await client.run() }
        background.withLock { $0.runner = runner }
        do {
            let (table, logger) = (table, logger)
            try await perform("preparing the schema") { client in try await table.prepareSchema(client, logger: logger)
            }
            try await startBackground()
        } catch {
            await close()
            throw error
        }
    }

    /// Stops listening and renewing leases, ends the cancellation streams, then closes
    /// the connections. Later calls throw ``ResultStoreError/closed``; waits in progress
    /// end with it too. Unfinished entries are left alone: they turn lost when their
    /// lease runs out.
    ///
    /// Call it when done: until then the store keeps its connections, its background
    /// tasks and so itself alive.
    public func close() async {
        let (tasks, waiting) = background.withLock { state in
            guard !state.isClosed else { return ([Task<Void, Never>](), [CheckedContinuation<Void, any Error>]()) }
            state.isClosed = true
            defer { state.listenerReady = [] }
            return ([state.listener, state.maintenance, state.runner].compactMap { $0 }, state.listenerReady)
        }
        for continuation in waiting { continuation.resume(throwing: ResultStoreError.closed) }
        cancellations.finishAll()
        wakeUps.signalAll()
        for task in tasks {
            task.cancel()
            await task.value
        }
    }

    deinit {
        let tasks = background.withLock { [$0.listener, $0.maintenance, $0.runner] }
        for task in tasks { task?.cancel() }
        cancellations.finishAll()
    }

    // MARK: - ResultStore

    public func create(
        _ token: DeferredToken, timeToLive: Duration, idempotencyKey: String?, boundTo clientKey: String?
    ) async throws -> DeferredCreation {
        let (table, now, ttl) = (table, now(), timeToLive.wholeMilliseconds)
        return try await perform("creating an entry") { client in
            guard let idempotencyKey else {
                let creation = try await table.insert(
                    client, token: token, timeToLive: ttl, idempotencyKey: nil, clientKey: clientKey, now: now)
                return creation ?? .existing(token)
            }
            // Insert, or find who holds the token or key. The holder can finish its time to
            // live or be acknowledged between two statements, so try again then.
            for _ in 0..<8 {
                try await table.bury(client, .idempotencyKey(idempotencyKey), now: now)
                if let created = try await table.insert(
                    client, token: token, timeToLive: ttl, idempotencyKey: idempotencyKey, clientKey: clientKey,
                    now: now)
                {
                    return created
                }
                guard let holder = try await table.holder(client, of: token, orKey: idempotencyKey, now: now),
                    !holder.isExpired
                else { continue }
                guard let existing = DeferredToken(holder.token) else {
                    throw ResultStoreError.corruptEntry("malformed token under idempotency key")
                }
                return .existing(existing)
            }
            throw ResultStoreError.database(
                message: "the idempotency key kept changing hands", operation: "creating an entry")
        }
    }

    public func boundClientKey(of token: DeferredToken) async throws -> String? {
        let table = table
        return try await perform("reading a bound key") { try await table.boundClientKey($0, token: token) }
    }

    @discardableResult
    public func reportProgress(_ token: DeferredToken, progress: Double?, message: String?) async throws -> Bool {
        let (table, progress) = (table, progress.clampedProgress)
        return try await perform("reporting progress") {
            try await table.reportProgress($0, token: token, progress: progress, message: message)
        }
    }

    @discardableResult
    public func complete(_ token: DeferredToken, with outcome: DeferredOutcome) async throws -> Bool {
        let (table, now) = (table, now())
        let completed = try await perform("completing an entry") {
            try await table.complete($0, token: token, outcome: outcome, now: now)
        }
        cancellations.forget(token)
        wakeUps.signal(token)  // the notification would too, a round trip later
        return completed
    }

    public func lookup(_ token: DeferredToken) async throws -> DeferredLookup {
        try await read(token).lookup
    }

    public func wait(for token: DeferredToken, upTo timeout: Duration) async throws -> DeferredLookup {
        try await wakeUps.longPoll(token, upTo: timeout) { try await self.read(token) }
    }

    @discardableResult
    public func requestCancellation(_ token: DeferredToken) async throws -> Bool {
        let table = table
        let holder = try await perform("requesting cancellation") {
            try await table.requestCancellation($0, token: token)
        }
        if holder == instanceID { cancellations.deliver(token) }
        return holder != nil
    }

    public func isCancellationRequested(_ token: DeferredToken) async throws -> Bool {
        let table = table
        return try await perform("reading a cancellation flag") {
            try await table.isCancellationRequested($0, token: token)
        }
    }

    public func cancellationRequests(for issuer: DeferredServerID) -> AsyncStream<DeferredToken> {
        cancellations.subscribe(issuer)
    }

    @discardableResult
    public func acknowledge(_ token: DeferredToken) async throws -> Bool {
        let (table, now) = (table, now())
        return try await perform("acknowledging an entry") { try await table.acknowledge($0, token: token, now: now) }
    }

    @discardableResult
    public func expireEntries() async throws -> Int {
        let (table, now) = (table, now())
        return try await perform("expiring entries") { try await table.sweep($0, now: now) }
    }

    /// Extends the lease of every unfinished entry this instance runs; the store does
    /// this by itself every third of the lease. Returns how many leases were renewed.
    @discardableResult
    public func renewLeases() async throws -> Int {
        let (table, now) = (table, now())
        return try await perform("renewing leases") { try await table.renewLeases($0, now: now) }
    }

    // MARK: - Internals

    /// The injected clock's reading, or nil: the database's clock.
    func now() -> Int64? { configuration.clock?.nowMilliseconds() }

    /// How many tasks of this process wait for `token`.
    func waiterCount(for token: DeferredToken) -> Int { wakeUps.count(for: token) }

    /// The entry's state, and how long its owner's lease still runs when it is unfinished.
    /// Turns an entry whose lease ran out into a lost one, and a finished entry past its
    /// time to live into a tombstone, as the other stores do on read.
    private func read(_ token: DeferredToken) async throws -> (lookup: DeferredLookup, leaseLeft: Duration?) {
        let (table, now) = (table, now())
        return try await perform("reading an entry") { client in
            for _ in 0..<2 {
                switch try await table.read(client, token: token, now: now) {
                case .nothing:
                    return (.unknown, nil)
                case .tombstone(let isLive):
                    return (isLive ? .expired : .unknown, nil)
                case .entry(let entry):
                    if let outcome = entry.outcome {
                        guard entry.isExpired else { return (.finished(outcome), nil) }
                        try await table.bury(client, .token(token), now: now)
                        return (.expired, nil)
                    }
                    if entry.isLeaseOver {
                        try await table.markLost(client, .token(token), now: now)
                        continue  // read what it became
                    }
                    let status: DeferredStatus =
                        entry.state == .pending ? .pending : .running(progress: entry.progress, message: entry.message)
                    return (.unfinished(status), entry.leaseLeft.map { .milliseconds(max($0, 0)) })
                }
            }
            throw ResultStoreError.corruptEntry("\(token) stays unfinished after its lease was ended")
        }
    }
}
