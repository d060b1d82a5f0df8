/// What the client of one stream or generator call sends to its running handler: credit
/// (`_zpc_more`) and generator steps (`_zpc_more` as next, `_zpc_send`, `_zpc_throw`).
/// The server's I/O thread fills it; the handler task waits on it, so a handler without
/// credit is suspended instead of buffering.
final class HandlerInbox: Sendable {
    /// One generator step.
    enum Step: Sendable {
        /// `_zpc_more [count]`: `count` plain nexts.
        case next(count: Int)
        /// `_zpc_send [value]`; the event is decoded by the handler task.
        case send(EventEnvelope)
        /// `_zpc_throw [name, message]`.
        case `throw`(RemoteThrow)
    }

    private struct State {
        var credit: Int
        var steps: [Step]
        var isCancelled = false
        var creditWaiters: [CheckedContinuation<Void, any Error>] = []
        var stepWaiter: CheckedContinuation<Step, any Error>?

        mutating func popStep() -> Step? {
            guard let first = steps.first else { return nil }
            if case .next(let count) = first, count > 1 {
                steps[0] = .next(count: count - 1)
                return .next(count: 1)
            }
            steps.removeFirst()
            return first
        }
    }

    private let state: LockedValue<State>

    /// The most items a stream's handler may write ahead of its client's reads, whatever
    /// credit the client grants (ours grants `ResponseStream.creditWindow`, stock
    /// zerorpc 100).
    static let maximumCredit = 10_000

    /// `credit`: what a stream may send before the first `_zpc_more` (1, as zerorpc).
    /// `steps`: the generator steps already granted (the request itself counts as one
    /// next for a stock client, which expects the first item without asking).
    init(credit: Int, steps: [Step]) {
        state = LockedValue(State(credit: credit, steps: steps))
    }

    // MARK: I/O thread

    /// `_zpc_more [n]` on a stream.
    func grant(_ credit: Int) {
        let waiters: [CheckedContinuation<Void, any Error>] = state.withLock { state in
            guard !state.isCancelled, credit > 0 else { return [] }
            // Clamped: a client may grant 2^62, but the items written ahead of its reads
            // wait in this server's memory.
            state.credit = min(Self.maximumCredit, state.credit + min(credit, Self.maximumCredit))
            let woken = Array(state.creditWaiters.prefix(state.credit))
            state.creditWaiters.removeFirst(woken.count)
            state.credit -= woken.count
            return woken
        }
        for waiter in waiters { waiter.resume() }
    }

    /// A step for a generator; `_zpc_more [n]` arrives as `.next(count: n)`.
    func push(_ step: Step) {
        let ready: (CheckedContinuation<Step, any Error>, Step)? = state.withLock { state in
            guard !state.isCancelled else { return nil }
            if case .next(let count) = step, count <= 0 { return nil }
            if case .next(let added) = step, case .next(let queued)? = state.steps.last {
                let (sum, overflow) = queued.addingReportingOverflow(added)
                state.steps[state.steps.count - 1] = .next(count: overflow ? .max : sum)
            } else {
                state.steps.append(step)
            }
            guard let waiter = state.stepWaiter, let next = state.popStep() else { return nil }
            state.stepWaiter = nil
            return (waiter, next)
        }
        if let (waiter, next) = ready { waiter.resume(returning: next) }
    }

    /// The call was closed, lost or cancelled: every wait throws `CancellationError`.
    func cancel() {
        let (creditWaiters, stepWaiter) = state.withLock { state in
            state.isCancelled = true
            defer {
                state.creditWaiters = []
                state.stepWaiter = nil
            }
            return (state.creditWaiters, state.stepWaiter)
        }
        for waiter in creditWaiters { waiter.resume(throwing: CancellationError()) }
        stepWaiter?.resume(throwing: CancellationError())
    }

    // MARK: Handler task

    /// Takes one unit of credit if there is one, without waiting.
    /// - Throws: `CancellationError` once the call was closed, lost or cancelled.
    func takeCreditIfAvailable() throws -> Bool {
        try state.withLock { state in
            if state.isCancelled { throw CancellationError() }
            guard state.credit > 0 else { return false }
            state.credit -= 1
            return true
        }
    }

    /// Takes one unit of credit, waiting for `_zpc_more` when there is none.
    func acquireCredit() async throws {
        if try takeCreditIfAvailable() { return }
        try await state.waitUnlessReady(of: Void.self, onCancel: cancel) { state, continuation in
            if state.isCancelled { return .cancelled }
            if state.credit > 0 {
                state.credit -= 1
                return .ready(())
            }
            state.creditWaiters.append(continuation)
            return .parked
        }
    }

    /// The next generator step, waiting for the client to send one.
    func nextStep() async throws -> Step {
        try await state.waitUnlessReady(onCancel: cancel) { state, continuation in
            if state.isCancelled { return .cancelled }
            if let step = state.popStep() { return .ready(step) }
            state.stepWaiter = continuation
            return .parked
        }
    }
}
