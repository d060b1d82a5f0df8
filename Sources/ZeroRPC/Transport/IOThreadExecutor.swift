import Glibc
import Synchronization

/// Lets Swift tasks run on an I/O thread, between its socket turns.
///
/// A task whose executor preference is this executor (`Task(executorPreference:)`,
/// `withTaskExecutorPreference`) is resumed by the I/O thread itself: a reply that
/// resumes it, and the request it sends next, cost no thread switch at all. Work that
/// runs here delays the thread's sockets and heartbeats, so it must be short and must
/// never block.
///
/// Once the I/O thread has stopped, jobs go to the global concurrent executor, so no
/// task is ever stranded.
public final class IOThreadExecutor: TaskExecutor {
    /// The I/O thread's queue; nil until a server starts its thread.
    private let jobs: LockedValue<(any JobQueue)?>
    /// The thread leading the I/O loop (`pthread_t`, 0 before its first turn): an atomic,
    /// as every call asks `isCurrent` once or twice, and a lock per question showed.
    private let owner = Atomic<pthread_t>(0)

    init(jobs: (any JobQueue)? = nil) {
        self.jobs = LockedValue(jobs)
    }

    /// Points the executor at the I/O thread's queue once that thread exists.
    func attach(_ queue: any JobQueue) {
        jobs.withLock { $0 = queue }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let queue = jobs.withLock { $0 }
        if queue?.enqueueJob(unowned) != true {
            globalConcurrentExecutor.enqueue(ExecutorJob(unowned))
        }
    }

    /// Whether the caller runs on the thread that leads this executor's loop now.
    var isCurrent: Bool {
        let owner = owner.load(ordering: .acquiring)
        return owner != 0 && pthread_equal(owner, pthread_self()) != 0
    }

    /// CPU time the I/O thread has used so far (tests: a loop must not spin); nil before
    /// the thread runs.
    var threadCPUTime: Duration? {
        let owner = owner.load(ordering: .acquiring)
        guard owner != 0 else { return nil }
        var clock = clockid_t()
        var time = timespec()
        guard pthread_getcpuclockid(owner, &clock) == 0, clock_gettime(clock, &time) == 0 else { return nil }
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }

    /// The thread that leads the loop, each time it takes the loop (see `LoopLeadership`).
    func adoptCurrentThread() {
        owner.store(pthread_self(), ordering: .releasing)
    }

    /// The loop's leader: runs one job taken from its own queue.
    func run(_ job: UnownedJob) {
        job.runSynchronously(on: asUnownedTaskExecutor())
    }

    /// I/O thread, when it stops: jobs still queued move to the global executor.
    func handOffRemainingJobs(_ remaining: [UnownedJob]) {
        for job in remaining {
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
        }
    }
}

/// Where an ``IOThreadExecutor`` parks jobs for its I/O thread: the thread's
/// `CommandQueue`, whose wake-up protocol covers jobs and commands alike.
///
/// Class-bound: the executor reads its optional queue for every job, and an optional
/// class existential is one pointer, copied with a retain instead of value witnesses.
protocol JobQueue: AnyObject, Sendable {
    /// Queues `job` and wakes the thread if it sleeps; false once the thread stopped.
    func enqueueJob(_ job: UnownedJob) -> Bool
}
