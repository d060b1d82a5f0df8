/// Handler tasks that outlive their calls: a server starts a call's handler on a task
/// that ran an earlier call and now waits for the next, instead of creating a `Task` for
/// each call (issue 19: the task, its closure and its allocator slabs were five of the
/// server's thirteen allocations per call, and creating, enqueueing and destroying it
/// some 8,000 instructions).
///
/// A runner is a task that prefers the I/O thread's executor. It runs one call at a
/// time: the handler, then the reply (`ServerLoop.Access.finished`), then it parks on a
/// continuation until the loop hands it the next call. Resuming that continuation
/// enqueues the runner on the I/O thread's executor, as creating a task did, so a handler
/// still starts in the turn that received its request.
///
/// Cancelling a call cancels its runner's task, and a task cannot be un-cancelled: that
/// runner retires after the call instead of parking. Whether a runner still runs the call
/// being cancelled is decided under the pool's lock, so a cancellation never reaches the
/// next call a reused runner took.
final class HandlerRunners: Sendable {
    /// One long-lived handler task and the call it runs now.
    final class Runner: @unchecked Sendable {
        // @unchecked: `callNumber`, `continuation` and `retires` are touched only under the
        // pool's lock; `task` is set once, by the loop that created the runner, and read
        // only by that loop (under its turn lock) to cancel.
        fileprivate var callNumber: UInt64?
        fileprivate var continuation: UnsafeContinuation<Assignment?, Never>?
        fileprivate var retires = false
        fileprivate var task: Task<Void, Never>?

        fileprivate init(callNumber: UInt64) {
            self.callNumber = callNumber
        }
    }

    /// A call handed to a runner, with the loop its reply goes to. The runner reads only
    /// the call's immutable `number`, `entry` and `incoming`. A parked runner holds no
    /// assignment, so parked runners keep no loop alive.
    struct Assignment: @unchecked Sendable {
        let call: ServerCallTable.AdmittedCall
        let loop: ServerLoop.Access
    }

    private struct State {
        var idle: [Runner] = []
        var isClosed = false
        /// Runners created so far, and those whose task has not ended (tests).
        var created = 0
        var live = 0
    }

    private let state = LockedValue(State())
    private let executor: IOThreadExecutor
    /// Runners kept parked at most; more retire when their call ends. A loop turn starts
    /// at most a receive batch of calls, so this many runners serve a full turn.
    let maximumIdle: Int

    init(executor: IOThreadExecutor, maximumIdle: Int) {
        self.executor = executor
        self.maximumIdle = maximumIdle
    }

    /// How many runners are parked, were created, and have not ended (tests).
    var counts: (idle: Int, created: Int, live: Int) { state.withLock { ($0.idle.count, $0.created, $0.live) } }

    /// Starts `call`'s handler on a parked runner, or on a new one when none is parked.
    /// Called by the loop only.
    func start(_ call: ServerCallTable.AdmittedCall, replyingTo loop: ServerLoop.Access) -> Runner {
        // A parked runner and its continuation, or nil: then a new runner is counted.
        let parked: (Runner, UnsafeContinuation<Assignment?, Never>)? = state.withLock { state in
            guard let runner = state.idle.popLast(), let continuation = runner.continuation else {
                state.created += 1
                state.live += 1
                return nil
            }
            runner.continuation = nil
            runner.callNumber = call.number
            return (runner, continuation)
        }
        if let (runner, continuation) = parked {
            continuation.resume(returning: Assignment(call: call, loop: loop))
            return runner
        }
        let runner = Runner(callNumber: call.number)
        let first = Assignment(call: call, loop: loop)
        let executor = self.executor
        runner.task = Task(executorPreference: executor) { [self] in
            await serve(first, on: runner, executor: executor)
        }
        return runner
    }

    /// A runner's life: `first`, then each call `start` hands it, until it retires.
    /// Non-sending, as everything it awaits on the way to a handler: a call into or back
    /// from a plain `async` function is a switch to the generic executor, which with an
    /// executor preference looks the preference up under the task's status lock (a
    /// mutex) every time, although it never changes threads here.
    nonisolated(nonsending) private func serve(
        _ first: Assignment, on runner: Runner, executor: IOThreadExecutor
    ) async {
        var next: Assignment? = first
        while let assignment = next.take() {
            // Consumed: a parked runner holds no reference to the loop.
            await ServerLoop.run(consume assignment, executor: executor)
            next = await park(runner)
        }
        state.withLock { $0.live -= 1 }
    }

    /// Cancels `runner`'s task if it still runs call `number`; the runner then retires
    /// once that call ends. Called by the loop only.
    func cancel(_ runner: Runner, runningCall number: UInt64) {
        let runsIt = state.withLock { _ in
            guard runner.callNumber == number else { return false }
            runner.retires = true
            return true
        }
        // Outside the lock: cancellation handlers of the handler run here.
        if runsIt { runner.task?.cancel() }
    }

    /// The loop stopped: parked runners end, and runners still running end after their
    /// call.
    func close() {
        let parked = state.withLock { state in
            state.isClosed = true
            defer { state.idle = [] }
            return state.idle.map { runner in
                defer { runner.continuation = nil }
                return runner.continuation
            }
        }
        for continuation in parked { continuation?.resume(returning: nil) }
    }

    /// A runner's call ended: it waits for the next, or nil when it retires (cancelled,
    /// enough runners parked, or the loop stopped).
    ///
    /// `_unsafeInheritExecutor_withUnsafeContinuation`, not `withUnsafeContinuation`: the
    /// latter's `isolation` parameter made the compiler switch to `#isolation` before
    /// suspending, right after the switch back from the handler's reply (the optimizer
    /// does not see the two are one executor), and each switch looks the executor
    /// preference up under the task's status lock (~250 instructions). The closure only
    /// files the continuation under the pool's lock; it runs wherever the runner is, and
    /// the runner switches back to its isolation after it resumes, as before.
    @inline(__always)
    nonisolated(nonsending) private func park(_ runner: Runner) async -> Assignment? {
        await _unsafeInheritExecutor_withUnsafeContinuation { continuation in
            let parks = state.withLock { state in
                runner.callNumber = nil
                guard !runner.retires, !state.isClosed, state.idle.count < maximumIdle else { return false }
                runner.continuation = continuation
                state.idle.append(runner)
                return true
            }
            if !parks { continuation.resume(returning: nil) }
        }
    }
}
