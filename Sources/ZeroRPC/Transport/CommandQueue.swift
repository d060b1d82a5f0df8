/// How other threads hand work to an I/O thread: a lock-guarded list plus a wake-up
/// descriptor that is written only while the I/O thread is (about to be) asleep in
/// its poll.
final class CommandQueue<Command: Sendable>: JobQueue {
    private struct State {
        var commands: [Command] = []
        /// Jobs of tasks that prefer the I/O thread's executor.
        var jobs: [UnownedJob] = []
        /// The batches handed out last time; emptied and swapped back in at the next
        /// take, so a busy queue reuses two buffers instead of allocating every turn.
        var spareCommands: [Command] = []
        var spareJobs: [UnownedJob] = []
        var ioThreadIsAsleep = false
        var isClosed = false
    }

    private let state = LockedValue(State())
    let wakeUp: WakeUpSignal

    init() throws(TransportError) {
        wakeUp = try WakeUpSignal()
    }

    /// Queues `command`; false when the I/O thread has stopped and will never run it.
    @discardableResult
    func enqueue(_ command: Command) -> Bool {
        state.withLock { state in
            guard !state.isClosed else { return false }
            state.commands.append(command)
            wakeIfAsleep(&state)
            return true
        }
    }

    func enqueueJob(_ job: UnownedJob) -> Bool {
        state.withLock { state in
            guard !state.isClosed else { return false }
            state.jobs.append(job)
            wakeIfAsleep(&state)
            return true
        }
    }

    /// Wakes the I/O thread if it sleeps: another thread changed what it waits for.
    func wakeIfAsleep() {
        state.withLock { wakeIfAsleep(&$0) }
    }

    /// Under the lock, after queueing: the descriptor is written only if the thread
    /// sleeps (or is about to), once per sleep.
    private func wakeIfAsleep(_ state: inout State) {
        // Closed: the descriptor is released (or about to be, once this lock is let go).
        guard state.ioThreadIsAsleep, !state.isClosed else { return }
        state.ioThreadIsAsleep = false
        wakeUp.signal()
    }

    /// A thread that lost the loop while it ran one of `takeWork()`'s jobs: puts the
    /// jobs it did not run back in front, for the new leader. False once the queue
    /// closed: the caller must run them elsewhere.
    func requeueJobs(_ remaining: ArraySlice<UnownedJob>) -> Bool {
        guard !remaining.isEmpty else { return true }
        return state.withLock { state in
            guard !state.isClosed else { return false }
            state.jobs.insert(contentsOf: remaining, at: 0)
            wakeIfAsleep(&state)
            return true
        }
    }

    /// What one `takeWork` found.
    struct Work {
        let commands: [Command]
        let jobs: [UnownedJob]
        /// Nothing was queued, and the thread is marked asleep: from now on a command or
        /// job enqueued writes the wake-up descriptor, so the thread may poll and wait.
        let mayPoll: Bool
    }

    /// I/O thread: takes every queued command and job, oldest first, in one lock. When
    /// neither is queued, marks the thread asleep in that same lock (see `IOLoop`): the
    /// check and the mark cannot miss a command enqueued between them.
    func takeWork() -> Work {
        state.withLock { state in
            guard !state.commands.isEmpty || !state.jobs.isEmpty else {
                state.ioThreadIsAsleep = true
                return Work(commands: [], jobs: [], mayPoll: true)
            }
            return Work(
                commands: Self.takeAll(&state.commands, spare: &state.spareCommands),
                jobs: Self.takeAll(&state.jobs, spare: &state.spareJobs), mayPoll: false)
        }
    }

    /// Every element of `queued`, which is left empty with `spare`'s buffer: the two
    /// arrays trade places, so a queue refilled and emptied each turn allocates nothing.
    private static func takeAll<Element>(_ queued: inout [Element], spare: inout [Element]) -> [Element] {
        guard !queued.isEmpty else { return [] }
        // The caller dropped the previous batch by now, so this frees no buffer.
        spare.removeAll(keepingCapacity: true)
        swap(&queued, &spare)
        return spare
    }

    /// I/O thread, right after its poll returned.
    func markAwake() {
        state.withLock { $0.ioThreadIsAsleep = false }
    }

    /// I/O thread, when it stops: refuses further commands and returns those still queued
    /// so their continuations can be failed, and the jobs still queued, which must run
    /// elsewhere. Releases the wake-up descriptor.
    func close() -> (commands: [Command], jobs: [UnownedJob]) {
        let remaining = state.withLock { state in
            state.isClosed = true
            defer {
                state.commands = []
                state.jobs = []
                state.spareCommands = []
                state.spareJobs = []
            }
            return (state.commands, state.jobs)
        }
        wakeUp.release()
        return remaining
    }
}
