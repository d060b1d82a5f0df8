/// The turn every I/O thread takes, in one place: commands, then jobs of tasks that
/// prefer the thread (again while they queue more, a few rounds at most), then timers,
/// then one poll that sleeps only when nothing is queued, then the sockets that are ready.
///
/// The order matters: `prepareToSleep()` marks the thread asleep under the queue's lock
/// only when nothing is queued, so a command or job enqueued after that check writes
/// the wake-up descriptor and the poll returns at once.
protocol IOLoop: AnyObject {
    associatedtype Command: Sendable

    var queue: CommandQueue<Command> { get }
    var executor: IOThreadExecutor { get }
    var isRunning: Bool { get }

    func handle(_ commands: [Command])
    func fireTimers(now: ContinuousClock.Instant)
    /// Milliseconds until the next timer (-1: none).
    func pollTimeout(now: ContinuousClock.Instant) -> Int
    /// One poll over the thread's sockets and the queue's wake-up descriptor (`SocketPoller`).
    func pollSockets(timeoutMilliseconds: Int)
    /// Serves the sockets the last poll found ready.
    func serveReadySockets()
    /// Closes everything; runs once, after the last turn.
    func stop()
    /// Tasks on this thread held it for `duration` (see `IOThreadStallMonitor`).
    func warnThreadWasHeld(for duration: Duration)
    var stallMonitor: IOThreadStallMonitor { get set }
}

/// How often a turn goes back for commands queued by the jobs it just ran.
private let commandRoundsPerTurn = 4

extension IOLoop {
    /// Runs turns until `isRunning` turns false, then `stop()`.
    func runTurns() {
        executor.adoptCurrentThread()
        while isRunning {
            // A job that sends (a caller on this thread) queues its command; handling it
            // in the same turn saves a poll per call. Bounded, so sockets are not starved.
            var jobsHeldThread: Duration = .zero
            for _ in 0..<commandRoundsPerTurn {
                handle(queue.takeAll())
                guard isRunning else { break }
                let jobs = queue.takeJobs()
                guard !jobs.isEmpty else { break }
                let started = ContinuousClock.now
                executor.run(jobs)
                jobsHeldThread += started.duration(to: .now)
            }
            guard isRunning else { break }
            let now = ContinuousClock.now
            if let held = stallMonitor.check(held: jobsHeldThread, now: now) { warnThreadWasHeld(for: held) }
            fireTimers(now: now)
            let timeout = queue.prepareToSleep() ? pollTimeout(now: now) : 0
            pollSockets(timeoutMilliseconds: timeout)
            queue.markAwake()
            serveReadySockets()
        }
        stop()
    }
}
