// What a PostgresResultStore does besides answering calls: every operation's deadline and
// error mapping, the LISTEN loop (with reconnection) and the lease renewal and sweep.
import Logging
import PostgresNIO
import Synchronization
import ZeroRPC

/// The store's background tasks and whether it is closed.
struct BackgroundState: Sendable {
    var runner: Task<Void, Never>?
    var listener: Task<Void, Never>?
    var maintenance: Task<Void, Never>?
    var isClosed = false
    var isListening = false
    var lastSweep = ContinuousClock.now
    /// `init` waiting for the first `LISTEN`.
    var listenerReady: [CheckedContinuation<Void, any Error>] = []
}

extension PostgresResultStore {
    // MARK: - Operations

    /// Runs `body` with the pool, within the operation timeout, and turns what
    /// postgres-nio throws into ``ResultStoreError``.
    ///
    /// Runs to the end even when the calling task is cancelled (a cancelled waiter still
    /// reads the entry's state to answer with it, a completion is still written): pool
    /// leases fail at once in a cancelled task, so the body then runs (again) in a task of
    /// its own, which the caller's cancellation does not reach.
    func perform<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        guard !background.withLock({ $0.isClosed }) else { throw ResultStoreError.closed }
        let attempt: @Sendable () async throws -> T = { [client, configuration] in
            try await Self.withTimeout(configuration.operationTimeout, operation: operation) { try await body(client) }
        }
        do {
            if Task.isCancelled { return try await Task { try await attempt() }.value }
            do {
                return try await attempt()
            } catch  where Task.isCancelled && !(error is ResultStoreError) {
                return try await Task { try await attempt() }.value
            }
        } catch {
            // A statement cut short by close() fails as the closed store it met.
            if background.withLock({ $0.isClosed }) { throw ResultStoreError.closed }
            throw Self.storeError(error, operation: operation)
        }
    }

    /// `body`, or ``ResultStoreError/unreachable(reason:operation:)`` once `timeout` has
    /// passed, whether or not `body` has noticed: it is then cancelled and left to end on
    /// its own. A task group would wait for it, and some waits do not end on cancellation
    /// (the listener's readiness; a statement on a connection whose server went away):
    /// `make test-asan` hung there with the database down, its timeout never firing.
    /// Throws `CancellationError` when the calling task is cancelled first.
    static func withTimeout<T: Sendable>(
        _ timeout: Duration, operation: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = FirstOutcome<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                race.install(continuation)
                let work = Task {
                    do {
                        race.finish(.success(try await body()))
                    } catch {
                        race.finish(.failure(error))
                    }
                }
                let timer = Task {
                    // Cancelled (and so no error) when the body or a cancel came first.
                    guard (try? await Task.sleep(for: timeout)) != nil else { return }
                    race.finish(
                        .failure(
                            ResultStoreError.unreachable(
                                reason: "no answer from the database within \(timeout)", operation: operation)))
                }
                race.cancelWhenFinished([work, timer])
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    /// What a postgres-nio error means for the caller: the database is unreachable
    /// (connection failures, a server shutting down or starting up), or it refused a
    /// statement.
    static func storeError(_ error: any Error, operation: String) -> ResultStoreError {
        if let error = error as? ResultStoreError { return error }
        if let transaction = error as? PostgresTransactionError,
            let cause = transaction.closureError ?? transaction.beginError ?? transaction.commitError
        {
            return storeError(cause, operation: operation)
        }
        guard let error = error as? PSQLError else {
            // The pool's own errors (its circuit breaker after a minute of failed
            // connection attempts, a closed pool) and cancellation.
            return .unreachable(reason: "\(error)", operation: operation)
        }
        guard error.code == .server else {
            return .unreachable(reason: "\(error.code)", operation: operation)
        }
        let sqlState = error.serverInfo?[.sqlState] ?? ""
        let message = (error.serverInfo?[.message] ?? "unknown") + " (SQLSTATE \(sqlState))"
        // Class 08: connection exception; 57P01-57P03: the server is shutting down,
        // crashed, or not accepting connections yet.
        if sqlState.hasPrefix("08") || sqlState.hasPrefix("57P") {
            return .unreachable(reason: message, operation: operation)
        }
        return .database(message: message, operation: operation)
    }

    // MARK: - Listening

    /// Starts the listener and the maintenance loop, and returns once the listener
    /// listens (or throws when it could not within the operation timeout).
    func startBackground() async throws {
        let listener = Task { [weak self] in
            guard let self else { return }
            await self.listen()
        }
        let maintenance = Task { [weak self, configuration] in
            let tick = min(configuration.leaseDuration / 3, configuration.sweepInterval)
            while (try? await Task.sleep(for: tick)) != nil {
                guard let self else { return }
                await self.maintain()
            }
        }
        background.withLock { state in
            state.listener = listener
            state.maintenance = maintenance
        }
        try await Self.withTimeout(configuration.operationTimeout, operation: "listening for notifications") {
            [weak self] in
            try await self?.listenerIsReady()
        }
    }

    private func listenerIsReady() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome: Result<Void, any Error>? = background.withLock { state in
                if state.isClosed { return .failure(ResultStoreError.closed) }
                if state.isListening { return .success(()) }
                state.listenerReady.append(continuation)
                return nil
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    /// Holds one pooled connection in `LISTEN` on the schema's channel, reconnecting
    /// with a growing pause (up to 2 s) when it drops, until the store closes.
    private func listen() async {
        var pause = Duration.milliseconds(50)
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: self.table.channel) { notifications in
                        pause = .milliseconds(50)
                        await self.listening()
                        for try await notification in notifications { self.handle(notification.payload) }
                    }
                }
            } catch {
                if Task.isCancelled { break }
                let reason = Self.storeError(error, operation: "listening for notifications")
                logger.warning("deferred result store lost its LISTEN connection (\(reason)); reconnecting")
            }
            background.withLock { $0.isListening = false }
            guard (try? await Task.sleep(for: pause)) != nil else { break }
            pause = min(pause * 2, .seconds(2))
        }
    }

    /// The `LISTEN` is in place: notifications sent while there was none are lost, so
    /// every waiter re-reads its entry and the requested cancellations are looked up.
    private func listening() async {
        let ready = background.withLock { state in
            state.isListening = true
            defer { state.listenerReady = [] }
            return state.listenerReady
        }
        for waiter in ready { waiter.resume() }
        wakeUps.signalAll()
        do {
            try await deliverRequestedCancellations()
        } catch {
            logger.warning("deferred result store could not look for cancellation requests: \(error)")
        }
    }

    /// `f <token>`: the entry finished; `c <holder> <token>`: its cancellation was
    /// requested. Anything else (another program on the channel) is ignored.
    private func handle(_ payload: String) {
        let words = payload.split(separator: " ", maxSplits: 2)
        switch (words.first, words.count) {
        case ("f", 2):
            if let token = DeferredToken(String(words[1])) { wakeUps.signal(token) }
        case ("c", 3):
            guard words[1] == instanceID, let token = DeferredToken(String(words[2])) else { return }
            cancellations.deliver(token)
        default:
            return
        }
    }

    private func deliverRequestedCancellations() async throws {
        guard cancellations.hasSubscribers else { return }
        let table = table
        try await cancellations.deliverAll {
            try await self.perform("looking for cancellation requests") { try await table.requestedCancellations($0) }
        }
    }

    // MARK: - Maintenance

    /// Renews this instance's leases, and sweeps when a sweep is due.
    private func maintain() async {
        let now = ContinuousClock.now
        let sweepIsDue = background.withLock { state in
            guard now - state.lastSweep >= configuration.sweepInterval else { return false }
            state.lastSweep = now
            return true
        }
        do {
            try await renewLeases()
            if sweepIsDue { try await expireEntries() }
        } catch ResultStoreError.closed {
            return
        } catch {
            logger.warning("deferred result store maintenance failed: \(error)")
        }
    }
}

/// The first of a body's outcome, its timeout and its caller's cancellation, delivered
/// once to the waiting continuation; the losers' tasks are cancelled.
final class FirstOutcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var outcome: Result<T, any Error>?
        var tasks: [Task<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Where the outcome goes; resumed at once if it is already known (a cancel that came
    /// before the continuation existed).
    func install(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let outcome = state.outcome { return outcome }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// Tasks to cancel once an outcome is known (at once if it already is).
    func cancelWhenFinished(_ tasks: [Task<Void, Never>]) {
        let finished = state.withLock { state in
            if state.outcome != nil { return true }
            state.tasks += tasks
            return false
        }
        if finished { tasks.forEach { $0.cancel() } }
    }

    /// Delivers `outcome` unless another came first.
    func finish(_ outcome: Result<T, any Error>) {
        let winner = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>])? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer {
                state.continuation = nil
                state.tasks = []
            }
            return (state.continuation, state.tasks)
        }
        guard let (continuation, tasks) = winner else { return }
        continuation?.resume(with: outcome)
        tasks.forEach { $0.cancel() }
    }
}
