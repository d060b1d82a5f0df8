/// The turn every I/O thread takes, in one place: commands, then jobs of tasks that
/// prefer the thread (again while they queue more, a few rounds at most), then timers,
/// then one poll that sleeps only when nothing is queued, then the sockets that are ready.
///
/// The order matters: `takeWork()` marks the thread asleep under the queue's lock only
/// when nothing is queued, so a command or job enqueued after that check (by the timers
/// that fire before the poll, or by another thread) writes the wake-up descriptor and the
/// poll returns at once. One lock takes commands and jobs and, when there are none,
/// marks the thread asleep: a sequential call's turn takes that lock twice, not five
/// times.
///
/// Which thread takes the turns is decided by `LoopLeadership`: the loop's first thread,
/// until a job holds it past the budget; then a standby thread takes over, and the held
/// thread, once its job returns, touches nothing of the loop again.
protocol IOLoop: AnyObject, SendableMetatype {
    associatedtype Command: Sendable

    var queue: CommandQueue<Command> { get }
    var executor: IOThreadExecutor { get }
    var leadership: LoopLeadership { get }
    /// Held by the leader through its turn, released while it sleeps in its poll and
    /// while it runs a job.
    var turnLock: TurnLock { get }
    var isRunning: Bool { get }
    /// The thread name, for the standby threads too.
    var threadName: String { get }

    func handle(_ commands: [Command])
    func fireTimers(now: ContinuousClock.Instant)
    /// Milliseconds until the next timer (-1: none).
    func pollTimeout(now: ContinuousClock.Instant) -> Int
    /// One poll over the thread's sockets and the queue's wake-up descriptor
    /// (`SocketPoller`); `turnLock` is released only during the sleep itself.
    func pollSockets(timeoutMilliseconds: Int)
    /// Serves the sockets the last poll found ready.
    func serveReadySockets()
    /// Closes everything; runs once, after the last turn.
    func stop()
    /// A standby took the loop from a job that held it past the budget.
    func noteTakeover()
}

/// How often a turn goes back for commands queued by the jobs it just ran.
private let commandRoundsPerTurn = 4

/// Carries the loop to a standby thread. The loop is not `Sendable`: only the leader
/// touches it, and leadership changes hands under `LoopLeadership`'s lock.
private struct LoopTransfer<Loop: IOLoop>: @unchecked Sendable {
    let loop: Loop
}

extension IOLoop {
    /// The loop's first thread: leads until the loop stops, or until a job held it past
    /// the budget, and then serves as the standby.
    func runTurns() {
        let thread = leadership.newThreadID()
        leadership.becomeFirstLeader(thread)
        guard case .standBy = lead(thread, afterTakeover: false) else { return }
        leadership.standBy(thread, startStandby: startStandbyThread) {
            lead(thread, afterTakeover: true)
        }
    }

    /// Starts a thread that watches the leader and takes the loop when a job holds it.
    private func startStandbyThread() {
        let transfer = LoopTransfer(loop: self)
        IOThread.start(name: threadName) {
            let loop = transfer.loop
            let thread = loop.leadership.newThreadID()
            loop.leadership.standBy(thread, startStandby: loop.startStandbyThread) {
                loop.lead(thread, afterTakeover: true)
            }
        }
    }

    /// Takes turns until the loop stops (`.exit`, after `stop()`) or a standby took the
    /// loop while this thread ran a job (`.standBy` or `.exit`: then this thread must not
    /// touch the loop again).
    private func lead(_ thread: UInt64, afterTakeover: Bool) -> LoopLeadership.AfterJob {
        turnLock.lock()
        executor.adoptCurrentThread()
        leadership.adoptCurrentThread()
        if afterTakeover { noteTakeover() }
        while isRunning {
            // A job that sends (a caller on this thread) queues its command; handling it
            // in the same turn saves a poll per call. Bounded, so sockets are not starved.
            var mayPoll = false
            for _ in 0..<commandRoundsPerTurn {
                let work = queue.takeWork()
                mayPoll = work.mayPoll
                // Most turns of a busy loop take only a job (a handler's runner): no call.
                if !work.commands.isEmpty { handle(work.commands) }
                guard isRunning else {
                    // Taken with the command that stopped the loop: back in the queue,
                    // whose close hands them to the global executor, so no task that
                    // preferred this thread stays suspended.
                    if !queue.requeueJobs(work.jobs[...]) { executor.handOffRemainingJobs(work.jobs) }
                    break
                }
                // Commands may have queued jobs (a resumed continuation): the next round.
                guard !work.jobs.isEmpty else {
                    if work.commands.isEmpty { break } else { continue }
                }
                let jobs = work.jobs
                for index in jobs.indices {
                    leadership.beginJob(startStandby: startStandbyThread)
                    turnLock.unlock()
                    executor.run(jobs[index])
                    let after = leadership.endJob(thread)
                    guard case .lead = after else {
                        if !queue.requeueJobs(jobs[(index + 1)...]) {
                            executor.handOffRemainingJobs(Array(jobs[(index + 1)...]))
                        }
                        return after
                    }
                    turnLock.lock()
                }
            }
            guard isRunning else { break }
            let now = ContinuousClock.now
            fireTimers(now: now)
            let timeout = mayPoll ? pollTimeout(now: now) : 0
            pollSockets(timeoutMilliseconds: timeout)
            if mayPoll { queue.markAwake() }
            serveReadySockets()
        }
        stop()
        turnLock.unlock()
        leadership.stop()
        return .exit
    }

    /// Runs a poll's sleep with `turnLock` released (`SocketPoller.poll`'s `sleep`).
    func sleepUnlocked(_ sleep: () -> Int32) -> Int32 {
        turnLock.unlock()
        defer { turnLock.lock() }
        return sleep()
    }
}
