import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Leader/followers for an I/O loop: tasks run on the I/O thread itself (no hand-off per
/// call), and a task that holds the thread too long cannot stall the sockets, because a
/// standby thread takes them over.
///
/// The thread that owns the loop (the *leader*) runs the loop's turns: commands, timers,
/// polls, sockets. Between those it runs the jobs of tasks that prefer the loop's
/// executor — server handlers by default, and tasks a caller started on
/// `Client.executor`. Around each job it records when the job started (`beginJob`,
/// `endJob`: one uncontended lock each, no system call).
///
/// One *standby* thread watches. While the leader runs jobs it wakes every `tick`; when a
/// job has held the leader for `budget` it makes itself the leader and runs the turns
/// from then on, so heartbeats, replies and other calls go on while the job blocks or
/// computes. The old leader finishes its job, sees it lost the loop, and becomes the
/// standby (or ends, when there is one already). Between the old leader's last touch of
/// the loop and the new leader's first stands this type's lock, a full memory barrier:
/// the rule ZeroMQ sets for a socket that changes threads.
///
/// A standby that saw no job for `parkAfterIdleTicks` ticks parks on a semaphore, so an
/// idle loop costs no wake-ups; the next job unparks it (a system call once per idle
/// spell). The standby thread is started with the first job: a loop whose tasks never run
/// on it (most clients) never starts one.
final class LoopLeadership: Sendable {
    /// What `endJob` tells the thread that ran the job.
    enum AfterJob {
        /// Still the leader: go on with the loop.
        case lead
        /// Lost the loop while the job ran: wait as the standby.
        case standBy
        /// Lost the loop, and a standby exists already (or the loop stopped): end.
        case exit
    }

    private enum StandbyStep {
        case sleep
        case park
        case lead(spawnStandby: Bool)
        case exit
    }

    private struct State {
        var leader: UInt64 = 0
        var lastThreadID: UInt64 = 0
        /// When the job the leader is running started (an offset since
        /// `ClockOffset.origin`: set for every job, and a resilient `Instant?` would make
        /// each store go through value witnesses); nil between jobs.
        var jobStartedAt: Duration?
        /// Jobs begun so far: a standby that sees it unchanged for a while parks.
        var jobsBegun: UInt64 = 0
        var standbys = 0
        var standbyStarted = false
        var standbyParked = false
        var isStopped = false
        var takeovers = 0
        /// The leading thread, for `LeaderThread.isHeld` (set by `adoptCurrentThread`).
        var leaderThread: LeaderThread?
    }

    /// How long one job may hold the leader before the standby takes the loop.
    let budget: Duration
    /// How often a watching standby looks.
    let tick: Duration
    private let state = LockedValue(State())
    private let unpark = DispatchSemaphore(value: 0)
    private static let parkAfterIdleTicks = 64

    init(budget: Duration) {
        self.budget = max(budget, .microseconds(100))
        self.tick = self.budget
    }

    /// A fresh id for a thread that is about to serve the loop.
    func newThreadID() -> UInt64 {
        state.withLock { state in
            state.lastThreadID &+= 1
            return state.lastThreadID
        }
    }

    /// The first thread: leader from the start.
    func becomeFirstLeader(_ thread: UInt64) {
        state.withLock { $0.leader = thread }
    }

    /// The thread that now leads the loop records itself, so a standby can tell a held
    /// leader from a preempted one.
    func adoptCurrentThread() {
        let current = LeaderThread.current()
        state.withLock { $0.leaderThread = current }
    }

    /// How many times a standby took the loop from a held leader (tests, logs).
    var takeovers: Int { state.withLock { $0.takeovers } }

    /// Leader, before it runs a job.
    func beginJob(startStandby: () -> Void) {
        let (wake, start) = state.withLock { state -> (Bool, Bool) in
            state.jobStartedAt = ClockOffset.of(.now)
            state.jobsBegun &+= 1
            var start = false
            if !state.standbyStarted {
                state.standbyStarted = true
                state.standbys += 1
                start = true
            }
            guard state.standbyParked else { return (false, start) }
            state.standbyParked = false
            return (true, start)
        }
        if start { startStandby() }
        if wake { unpark.signal() }
    }

    /// The thread that ran a job, right after it: whether it still leads the loop.
    func endJob(_ thread: UInt64) -> AfterJob {
        state.withLock { state in
            if state.leader == thread {
                state.jobStartedAt = nil
                return .lead
            }
            if state.isStopped || state.standbys >= 1 { return .exit }
            state.standbys += 1
            return .standBy
        }
    }

    /// The last leader, once the loop has stopped: standbys end, held jobs' threads end
    /// when their jobs return.
    func stop() {
        let wake = state.withLock { state -> Bool in
            state.isStopped = true
            defer { state.standbyParked = false }
            return state.standbyParked
        }
        if wake { unpark.signal() }
    }

    /// A standby thread's life: watch the leader, and take the loop (`lead`) when a job
    /// held it past the budget. `lead` returns `.standBy` when this thread lost the loop
    /// in turn (it then watches again), `.exit` when the loop stopped or another standby
    /// exists. Returns when the thread should end.
    func standBy(_ thread: UInt64, startStandby: () -> Void, lead: () -> AfterJob) {
        var lastJobsBegun: UInt64 = 0
        var idleTicks = 0
        /// The leader's CPU clock at the previous tick of the job running then.
        var lastSample: (job: UInt64, wall: ContinuousClock.Instant, cpu: Duration)?
        while true {
            let step = state.withLock { state -> StandbyStep in
                if state.isStopped {
                    state.standbys -= 1
                    return .exit
                }
                if state.standbys > 1 {
                    state.standbys -= 1
                    return .exit
                }
                if let started = state.jobStartedAt {
                    idleTicks = 0
                    lastJobsBegun = state.jobsBegun
                    let now = ContinuousClock.now
                    let held = ClockOffset.of(now) - started
                    let cpu = state.leaderThread?.cpuTime()
                    defer { lastSample = cpu.map { (state.jobsBegun, now, $0) } }
                    guard held >= budget else { return .sleep }
                    // Held, or only preempted? A leader that is runnable but got little of
                    // the CPU since the last tick waits for a core: no takeover (and no
                    // demotion of its method) for that, for up to five budgets. Past them
                    // it is taken over anyway: on an overloaded machine a computing
                    // handler gets little CPU too, and the loop must not wait on it.
                    if held < budget * 5, let leader = state.leaderThread, leader.isRunnable(),
                        let cpu,
                        let previous = lastSample, previous.job == state.jobsBegun,
                        (cpu - previous.cpu) * 2 < previous.wall.duration(to: now)
                    {
                        return .sleep
                    }
                    state.leader = thread
                    state.jobStartedAt = nil
                    state.takeovers += 1
                    // This thread leaves the standby role to a new thread, which takes
                    // over its place in `standbys`.
                    return .lead(spawnStandby: true)
                }
                if state.jobsBegun != lastJobsBegun {
                    lastJobsBegun = state.jobsBegun
                    idleTicks = 0
                    return .sleep
                }
                idleTicks += 1
                guard idleTicks >= Self.parkAfterIdleTicks else { return .sleep }
                idleTicks = 0
                state.standbyParked = true
                return .park
            }
            switch step {
            case .exit:
                return
            case .sleep:
                Self.sleep(for: tick)
            case .park:
                unpark.wait()
            case .lead(let spawnStandby):
                if spawnStandby { startStandby() }
                guard case .standBy = lead() else { return }
            }
        }
    }

    private static func sleep(for duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR {
            request = remaining
        }
    }
}

/// The thread leading a loop, as a standby looks at it: its CPU clock, and whether the
/// kernel counts it runnable (running or waiting for a core) rather than blocked.
struct LeaderThread: Sendable {
    private let clock: clockid_t
    private let taskID: pid_t

    static func current() -> LeaderThread? {
        var clock = clockid_t()
        guard pthread_getcpuclockid(pthread_self(), &clock) == 0 else { return nil }
        return LeaderThread(clock: clock, taskID: currentTaskID() ?? 0)
    }

    /// The calling thread's kernel task id, from the `/proc/thread-self` link
    /// (`PID/task/TID`): Swift cannot call the variadic `syscall(SYS_gettid)`.
    private static func currentTaskID() -> pid_t? {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = readlink("/proc/thread-self", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let link = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return link.split(separator: "/").last.flatMap { pid_t($0) }
    }

    /// The CPU time the thread has used; nil when the clock cannot be read.
    func cpuTime() -> Duration? {
        var time = timespec()
        guard clock_gettime(clock, &time) == 0 else { return nil }
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }

    /// Whether `/proc` shows the thread in state R (running, or runnable and preempted);
    /// false when blocked (S, D) or unknown. Read only when a job ran past the budget.
    func isRunnable() -> Bool {
        let path = "/proc/self/task/\(taskID)/stat"
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return false }
        // "tid (comm) S ...": the state follows the last ')', since comm may hold spaces.
        guard let close = buffer[..<count].lastIndex(of: UInt8(ascii: ")")), close + 2 < count else { return false }
        return buffer[close + 2] == UInt8(ascii: "R")
    }
}
