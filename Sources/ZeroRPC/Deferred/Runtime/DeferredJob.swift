/// One handler run with a responsiveness budget: the race between its outcome and the
/// budget, and where its progress and outcome go once it has been deferred.
///
/// Phases: `racing` (the call task waits for the outcome or the budget), `deferring`
/// (the budget won; the store entry is being created; progress and an early outcome
/// are kept here), `deferred` (everything goes to the store) or `answered` (the outcome
/// won and went out as a plain reply).
final class DeferredJob: Sendable {
    /// What a handler run ends with: the encoded args of its `OK`, or what it threw.
    typealias Outcome = Result<[UInt8], any Error>

    /// How the race ended for the call task.
    enum Decision: Sendable {
        case finished(Outcome)
        case budgetElapsed
    }

    /// What the handler's task must do with its outcome.
    enum Delivery {
        /// The call task took it (a plain reply) or will store it (deferring).
        case handedOver
        /// The call was deferred: write it to the store under this token.
        case store(DeferredToken)
    }

    private enum Phase {
        case racing
        case deferring
        case deferred(DeferredToken)
        case answered
    }

    private struct State {
        var phase = Phase.racing
        var waiter: CheckedContinuation<Decision, Never>?
        var outcome: Outcome?
        var pendingProgress: (fraction: Double?, message: String?)?
        var isCancellationRequested = false
        /// The budget ran out before the call task started waiting.
        var budgetHasElapsed = false
    }

    let runtime: DeferredRuntime
    /// The caller's CurveZMQ key (nil on a plain server): what a bound token is bound to.
    let clientKey: String?
    private let state = LockedValue(State())

    init(runtime: DeferredRuntime, clientKey: String?) {
        self.runtime = runtime
        self.clientKey = clientKey
    }

    /// Whether a `_zpc_cancel` (or the store's cancel flag) asked this job to stop.
    var isCancellationRequested: Bool { state.withLock { $0.isCancellationRequested } }

    func requestCancellation() {
        state.withLock { $0.isCancellationRequested = true }
    }

    // MARK: The call task's side

    /// Waits until the handler's outcome arrives or `budgetElapsed()` is called.
    func decision() async -> Decision {
        await withCheckedContinuation { continuation in
            let ready: Decision? = state.withLock { state in
                if let outcome = state.outcome {
                    state.outcome = nil
                    state.phase = .answered
                    return .finished(outcome)
                }
                if state.budgetHasElapsed, case .racing = state.phase {
                    state.phase = .deferring
                    return .budgetElapsed
                }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// The budget ran out: the waiting call task goes on to defer the call.
    func budgetElapsed() {
        let waiter: CheckedContinuation<Decision, Never>? = state.withLock { state in
            guard case .racing = state.phase else { return nil }
            guard let waiter = state.waiter else {
                state.budgetHasElapsed = true
                return nil
            }
            state.waiter = nil
            state.phase = .deferring
            return waiter
        }
        waiter?.resume(returning: .budgetElapsed)
    }

    /// The store entry could not be created: back to waiting for the outcome, with no
    /// budget. Returns the outcome when it already arrived.
    func abandonDeferral() -> Outcome? {
        state.withLock { state in
            state.pendingProgress = nil
            if let outcome = state.outcome {
                state.outcome = nil
                state.phase = .answered
                return outcome
            }
            state.phase = .racing
            state.budgetHasElapsed = false
            return nil
        }
    }

    /// The entry exists: progress kept meanwhile is written first (in order), then the
    /// job switches to the store. Returns the outcome if it arrived during deferral.
    func becomeDeferred(_ token: DeferredToken) async -> Outcome? {
        while true {
            let step: (progress: (fraction: Double?, message: String?)?, outcome: Outcome?) = state.withLock { state in
                if let progress = state.pendingProgress {
                    state.pendingProgress = nil
                    return (progress, nil)
                }
                state.phase = .deferred(token)
                defer { state.outcome = nil }
                return (nil, state.outcome)
            }
            guard let progress = step.progress else { return step.outcome }
            await runtime.writeProgress(token, progress.fraction, progress.message)
        }
    }

    // MARK: The handler's side

    /// Hands the handler's outcome to whoever needs it.
    func deliver(_ outcome: Outcome) -> Delivery {
        let (waiter, delivery): (CheckedContinuation<Decision, Never>?, Delivery) = state.withLock { state in
            switch state.phase {
            case .racing:
                if let waiter = state.waiter {
                    state.waiter = nil
                    state.phase = .answered
                    return (waiter, .handedOver)
                }
                state.outcome = outcome
                return (nil, .handedOver)
            case .deferring:
                state.outcome = outcome
                return (nil, .handedOver)
            case .deferred(let token):
                return (nil, .store(token))
            case .answered:
                return (nil, .handedOver)
            }
        }
        waiter?.resume(returning: .finished(outcome))
        return delivery
    }

    /// `ServerContext.progress`: kept until the call is deferred, then written to the
    /// store; dropped once the call was answered.
    func reportProgress(_ fraction: Double?, _ message: String?) async {
        let token: DeferredToken? = state.withLock { state in
            switch state.phase {
            case .racing, .deferring:
                state.pendingProgress = (fraction, message)
                return nil
            case .deferred(let token):
                return token
            case .answered:
                return nil
            }
        }
        if let token { await runtime.writeProgress(token, fraction, message) }
    }
}
