import Logging

/// A server's deferred-result machinery: its ``ResultStore``, its id, the handler tasks
/// of deferred calls (so `_zpc_cancel` can cancel exactly one), the listener for
/// cancellation requests made through other processes, and the expiry sweep.
///
/// Each `Server` owns one (`Server.deferredRuntime`, made from ``ServerOptions/deferred``)
/// and hands it to whatever needs it: `HandlerInvocation` for the budget race, the
/// `_zpc_*` handlers, and the I/O loop's drain.
final class DeferredRuntime: Sendable {
    private struct RunningJob {
        let job: DeferredJob
        let task: Task<Void, Never>
    }

    private struct State {
        var jobs: [DeferredToken: RunningJob] = [:]
        /// Results this process stored and no client has acknowledged here yet: what a
        /// shutdown that awaits claims waits for.
        var unclaimed: Set<DeferredToken> = []
        var cancellationListener: Task<Void, Never>?
        var sweeper: Task<Void, Never>?
        var isShutDown = false
        /// Idempotency keys this server put into the store, counted against the limit.
        var heldKeys: HeldIdempotencyKeys
    }

    /// How often the runtime asks its store to expire unclaimed entries.
    static let sweepInterval: Duration = .seconds(60)

    let store: any ResultStore
    let serverID: DeferredServerID
    let timeToLive: Duration
    let binding: DeferredTokenBinding
    let logger: Logger
    /// The longest idempotency key accepted, in UTF-8 bytes.
    let maximumIdempotencyKeyLength: Int
    private let state: LockedValue<State>

    init(
        store: any ResultStore, serverID: DeferredServerID, timeToLive: Duration,
        binding: DeferredTokenBinding, logger: Logger, maximumIdempotencyKeyLength: Int = 256,
        maximumIdempotencyKeys: Int = 10_000
    ) {
        self.store = store
        self.serverID = serverID
        self.timeToLive = timeToLive
        self.binding = binding
        self.logger = logger
        self.maximumIdempotencyKeyLength = maximumIdempotencyKeyLength
        state = LockedValue(State(heldKeys: HeldIdempotencyKeys(limit: maximumIdempotencyKeys)))
    }

    /// The runtime a server with `options` runs: the configured store, or a memory store
    /// of its own, and the configured server id, or a random one.
    convenience init(options: ServerOptions) {
        let settings = options.deferred
        self.init(
            store: settings.store ?? MemoryResultStore(), serverID: settings.serverID ?? .random(),
            timeToLive: settings.timeToLive, binding: settings.tokenBinding, logger: options.logger,
            maximumIdempotencyKeyLength: options.maximumIdempotencyKeyLength,
            maximumIdempotencyKeys: options.maximumIdempotencyKeys)
    }

    deinit {
        shutDown()
    }

    /// How many deferred handlers run in this process now.
    var runningJobCount: Int { state.withLock { $0.jobs.count } }

    /// How many results this process stored that no client acknowledged here yet.
    var unclaimedCount: Int { state.withLock { $0.unclaimed.count } }

    /// How many idempotency keys this server counts as held in its store.
    var heldIdempotencyKeyCount: Int { state.withLock { $0.heldKeys.count } }

    /// A client acknowledged `token`'s result.
    func claimed(_ token: DeferredToken) {
        state.withLock { state in
            state.unclaimed.remove(token)
            state.heldKeys.release(token)
        }
    }

    // MARK: The budget race

    /// Runs `handler` in a task of its own and answers with its reply if it finishes by
    /// `deadline`; otherwise stores a pending entry, answers `DEFERRED [token]` and lets
    /// the handler finish into the store.
    ///
    /// A `reserved` token (an idempotency key's fresh entry, already pending in the store)
    /// is the one answered with, and an outcome within the budget is stored under it too,
    /// so a resent request finds the result.
    func run(
        deadline: ContinuousClock.Instant, job: DeferredJob, event: EventEnvelope, reserved: DeferredToken? = nil,
        handler: @escaping @Sendable () async -> DeferredJob.Outcome,
        reply: @escaping @Sendable (DeferredJob.Outcome) -> [UInt8],
        storedError: @escaping @Sendable (any Error) -> DeferredError
    ) async -> [UInt8] {
        let handlerTask = Task {
            let outcome = await handler()
            if case .store(let token) = job.deliver(outcome) {
                await self.finish(token, job: job, with: outcome, storedError: storedError)
            }
        }
        let timer: Task<Void, Never>? =
            ContinuousClock.now < deadline
            ? Task {
                guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
                job.budgetElapsed()
            } : nil
        if timer == nil { job.budgetElapsed() }
        let decision = await withTaskCancellationHandler {
            await job.decision()
        } onCancel: {
            handlerTask.cancel()  // the client went away before an answer
        }
        timer?.cancel()
        switch decision {
        case .finished(let outcome):
            if let reserved {
                await finish(reserved, job: job, with: outcome, storedError: storedError, awaitsClaim: false)
            }
            return reply(outcome)
        case .budgetElapsed:
            let token = reserved ?? DeferredToken(issuer: serverID)
            switch await createEntry(token, job: job, task: handlerTask, inStore: reserved == nil) {
            case .created:
                break
            case .storeFailed(let error):
                // A token would lead nowhere: answer with the error (or the outcome, if it
                // is already there) and stop the handler, whose result has no home.
                if let early = job.abandonDeferral() { return reply(early) }
                job.requestCancellation()
                handlerTask.cancel()
                return errorReply(
                    event, name: DeferredWire.ErrorName.storeFailed,
                    message: "the call outlived its budget and its deferred result could not be stored: \(error)")
            case .shutDown:
                let outcome: DeferredJob.Outcome
                if let early = job.abandonDeferral() {
                    outcome = early
                } else if case .finished(let late) = await job.decision() {
                    outcome = late
                } else {
                    outcome = .failure(CancellationError())
                }
                if let reserved {
                    await finish(reserved, job: job, with: outcome, storedError: storedError, awaitsClaim: false)
                }
                return reply(outcome)
            }
            if let early = await job.becomeDeferred(token) {
                await finish(token, job: job, with: early, storedError: storedError)
            }
            return Self.deferredReply(token, answering: event)
        }
    }

    /// `DEFERRED [token]` on the request's channel.
    static func deferredReply(_ token: DeferredToken, answering event: EventEnvelope) -> [UInt8] {
        EventEncoder.encode(
            responseTo: event.messageID,
            extraHeader: ProtocolExtension.replyHeader(answering: event), name: DeferredWire.deferredEvent,
            arguments: tokenArguments(token))
    }

    /// What an idempotency key found in the store.
    enum Reservation {
        /// A new pending entry: run the call under this token.
        case fresh(DeferredToken)
        /// A live entry already holds the key: answer with its token, run nothing.
        case existing(DeferredToken)
        /// The store failed (logged): run the call as if it had no key.
        case unavailable
        /// A key that is not a string (`TypeError`), longer than the limit, or past the
        /// count of held keys (`ServerBusy`): answer `ERR name message`, run nothing.
        case refused(name: String, message: String)
    }

    /// Creates the pending entry of an idempotent call up front, or finds the live one
    /// holding `key` (a resent request).
    ///
    /// With bound tokens the key is scoped by the caller's key too, so a resend from
    /// another client key never finds this caller's token: it runs a call of its own. The
    /// leading separator keeps scoped keys apart from unscoped ones (which start with the
    /// method name) in a store shared with servers that do not bind.
    ///
    /// A key that is not a string, longer than ``maximumIdempotencyKeyLength`` or past the
    /// count of held keys (``HeldIdempotencyKeys``) is refused before the store is asked.
    func reserve(idempotencyKey field: DeferredWire.IdempotencyKey, clientKey: String?) async -> Reservation {
        guard case .text(let key, let byteCount) = field else {
            return .refused(
                name: "TypeError", message: "header '\(DeferredWire.idempotencyHeaderKey)' must be a string")
        }
        guard byteCount <= maximumIdempotencyKeyLength else {
            return .refused(
                name: DeferredWire.ErrorName.keyTooLong,
                message: "the idempotency key has \(byteCount) bytes; this server accepts at most "
                    + "\(maximumIdempotencyKeyLength)")
        }
        let boundKey = boundKey(forCaller: clientKey)
        let scopedKey = boundKey.map { "\u{1F}" + $0 + "\u{1F}" + key } ?? key
        let admission = state.withLock { $0.heldKeys.admit(scopedKey, now: .now) }
        if case .refused = admission {
            return .refused(name: "ServerBusy", message: "server busy: too many idempotent calls held; retry later")
        }
        let token = DeferredToken(issuer: serverID)
        do {
            switch try await store.create(
                token, timeToLive: timeToLive, idempotencyKey: scopedKey, boundTo: boundKey)
            {
            case .created:
                state.withLock { $0.heldKeys.created(token, key: scopedKey) }
                return .fresh(token)
            case .existing(let existing):
                state.withLock { $0.heldKeys.forget(scopedKey) }
                return .existing(existing)
            }
        } catch {
            state.withLock { $0.heldKeys.forget(scopedKey) }
            logger.error("zerorpc server: could not reserve an idempotent deferred call: \(error)")
            return .unavailable
        }
    }

    /// What became of a deferral's store entry.
    private enum EntryCreation {
        case created
        /// The server is shutting down: the call is answered in full instead.
        case shutDown
        case storeFailed(any Error)
    }

    /// Registers the job, so it can be cancelled, then creates its pending entry (unless
    /// it is already in the store: `inStore` false).
    private func createEntry(
        _ token: DeferredToken, job: DeferredJob, task: Task<Void, Never>, inStore: Bool = true
    ) async -> EntryCreation {
        let isShutDown = state.withLock { state in
            guard !state.isShutDown else { return true }
            if state.jobs.isEmpty {
                // Subscribe before the entry exists, so no cancel request can slip past.
                let requests = store.cancellationRequests(for: serverID)
                let jobs = self.state  // not self: no cycle, no weak reference
                state.cancellationListener = Task {
                    for await token in requests { Self.cancel(token, in: jobs) }
                }
            }
            if state.sweeper == nil { state.sweeper = startSweeper() }
            state.jobs[token] = RunningJob(job: job, task: task)
            return false
        }
        if isShutDown { return .shutDown }
        guard inStore else { return .created }
        do {
            _ = try await store.create(
                token, timeToLive: timeToLive, idempotencyKey: nil, boundTo: boundKey(forCaller: job.clientKey))
            return .created
        } catch {
            logger.error("zerorpc server: could not store deferred call \(token): \(error); answering with an error")
            forget(token)
            return .storeFailed(error)
        }
    }

    /// Writes a deferred job's outcome; a job asked to cancel ends `cancelled`.
    private func finish(
        _ token: DeferredToken, job: DeferredJob, with outcome: DeferredJob.Outcome,
        storedError: (any Error) -> DeferredError, awaitsClaim: Bool = true
    ) async {
        let stored: DeferredOutcome
        if job.isCancellationRequested {
            stored = .cancelled
        } else {
            switch outcome {
            case .success(let arguments): stored = .success(encodedResult: Self.singleValue(of: arguments))
            case .failure(is CancellationError): stored = .cancelled
            case .failure(let error): stored = .failure(storedError(error))
            }
        }
        do {
            if try await store.complete(token, with: stored), awaitsClaim {
                _ = state.withLock { $0.unclaimed.insert(token) }
            }
        } catch {
            logger.error("zerorpc server: could not store the outcome of deferred call \(token): \(error)")
        }
        // The store keeps the key at most a time to live from now (an enormous TTL is
        // capped at 30,000 years: the instant must not overflow).
        let releaseAt = ContinuousClock.now.advanced(by: min(max(timeToLive, .zero), .seconds(1 << 40)))
        state.withLock { $0.heldKeys.finished(token, releaseAt: releaseAt) }
        forget(token)
    }

    /// The key a new entry is bound to: nil for bearer tokens, else the caller's key. A
    /// caller without one (impossible on the curve server binding requires) gets the
    /// empty key, which no caller presents: such an entry fails closed.
    private func boundKey(forCaller clientKey: String?) -> String? {
        switch binding {
        case .bearer: nil
        case .clientKey: clientKey ?? ""
        }
    }

    private func forget(_ token: DeferredToken) {
        let listener: Task<Void, Never>? = state.withLock { state in
            state.jobs[token] = nil
            guard state.jobs.isEmpty else { return nil }
            defer { state.cancellationListener = nil }
            return state.cancellationListener
        }
        listener?.cancel()
    }

    func writeProgress(_ token: DeferredToken, _ fraction: Double?, _ message: String?) async {
        do {
            try await store.reportProgress(token, progress: fraction, message: message)
        } catch {
            logger.warning("zerorpc server: could not store progress of deferred call \(token): \(error)")
        }
    }

    // MARK: Cancellation and shutdown

    /// Cancels the handler of `token` if it runs in this process; true when it did.
    @discardableResult
    func cancelLocally(_ token: DeferredToken) -> Bool {
        Self.cancel(token, in: state)
    }

    @discardableResult
    private static func cancel(_ token: DeferredToken, in state: LockedValue<State>) -> Bool {
        guard let running = state.withLock({ $0.jobs[token] }) else { return false }
        running.job.requestCancellation()
        running.task.cancel()
        return true
    }

    /// Cancels every deferred handler (each entry ends `cancelled`) and stops the
    /// background tasks. New deferrals are answered in full instead.
    func shutDown() {
        let (jobs, tasks): ([RunningJob], [Task<Void, Never>]) = state.withLock { state in
            state.isShutDown = true
            defer {
                state.cancellationListener = nil
                state.sweeper = nil
            }
            return (Array(state.jobs.values), [state.cancellationListener, state.sweeper].compactMap { $0 })
        }
        for running in jobs {
            running.job.requestCancellation()
            running.task.cancel()
        }
        for task in tasks { task.cancel() }
    }

    private func startSweeper() -> Task<Void, Never> {
        let store = self.store  // not self: the runtime's deinit cancels this task
        return Task {
            while (try? await Task.sleep(for: Self.sweepInterval)) != nil {
                _ = try? await store.expireEntries()
            }
        }
    }

    // MARK: Encoding

    /// The args of `DEFERRED [token]`.
    static func tokenArguments(_ token: DeferredToken) -> [UInt8] {
        var writer = MessagePackWriter()
        writer.writeArrayHeader(1)
        writer.write(token)
        return writer.bytes
    }

    /// The value inside the args `[value]` of an `OK`, as a store keeps a result.
    static func singleValue(of arguments: [UInt8]) -> [UInt8] {
        var reader = MessagePackReader(bytes: arguments)
        guard (try? reader.readArrayHeader()) == 1 else { return arguments }
        return Array(arguments[reader.position...])
    }
}
