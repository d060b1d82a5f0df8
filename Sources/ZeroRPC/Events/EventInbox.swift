/// Events a receiver has read and not yet handled, between its I/O thread (which adds
/// them) and its worker tasks (which take and handle them, one at a time each).
///
/// Waking a parked task costs a thread switch, more than handling a small event, so the
/// inbox wakes as few workers as keep events moving: the I/O thread wakes (or starts)
/// one when none is active, and the active ones drain the queue between them. When the
/// oldest queued event has waited `rampInterval` — the active handlers are slow or
/// suspended — the I/O thread's timer wakes one more each interval, up to the handler
/// limit. A steady flow of fast events then costs no wake-up per event, and slow
/// handlers still run up to `maximumConcurrentHandlers` at once.
///
/// The inbox also holds the back-pressure: the I/O thread stops reading once
/// `queueLimit` events wait, and the worker that brings the queue down to half tells it
/// to read again, so a busy receiver wakes its I/O thread once per `queueLimit / 2`
/// events, not per event.
final class EventInbox: Sendable {
    private struct State {
        var queued: [[UInt8]] = []
        var head = 0
        /// When each batch was queued (`end`: the queue index just past it), oldest first.
        var batches: [(end: Int, at: ContinuousClock.Instant)] = []
        var workers = 0
        var idleWorkers: [UnsafeContinuation<([UInt8]?, Bool), Never>] = []
        var workerTasks: [Task<Void, Never>] = []
        var lastRamp: ContinuousClock.Instant?
        var readerIsPaused = false
        var isClosed = false

        var queuedCount: Int { queued.count - head }
        var activeWorkers: Int { workers - idleWorkers.count }

        mutating func takeQueued() -> [UInt8]? {
            guard head < queued.count else { return nil }
            let payload = queued[head]
            queued[head] = []
            head += 1
            while let first = batches.first, first.end <= head { batches.removeFirst() }
            if head == queued.count {
                queued.removeAll(keepingCapacity: true)
                batches.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 1024 && head * 2 > queued.count {
                // A queue that never runs dry must not grow by a slot per event forever.
                queued.removeFirst(head)
                for index in batches.indices { batches[index].end -= head }
                head = 0
            }
            return payload
        }

        /// Wakes an idle worker with the next event, or starts a worker (true), or
        /// neither when the limit is reached.
        mutating func addWorker(
            limit: Int, handingOver: inout [(UnsafeContinuation<([UInt8]?, Bool), Never>, [UInt8])]
        ) -> Bool {
            if let worker = idleWorkers.popLast() {
                if let payload = takeQueued() {
                    handingOver.append((worker, payload))
                } else {
                    idleWorkers.append(worker)
                }
                return false
            }
            guard workers < limit else { return false }
            workers += 1
            return true
        }
    }

    /// What the I/O thread must do after adding a batch or checking for a stall.
    struct Admission {
        /// Start this many workers (``startWorker(_:)``).
        var workersToStart = 0
        /// Stop reading until a worker asks to resume.
        var pausesReader = false
        /// Read again: the queue went down (an event was handed to a woken worker).
        var resumesReader = false
    }

    static let rampInterval: Duration = .milliseconds(1)

    let limit: Int
    let queueLimit: Int
    private let state = LockedValue(State())

    init(limit: Int, queueLimit: Int) {
        self.limit = max(1, limit)
        self.queueLimit = max(1, queueLimit)
    }

    /// I/O thread: how many more events may be read now.
    var room: Int {
        state.withLock { max(0, queueLimit - $0.queuedCount) }
    }

    /// I/O thread: whether events wait, so the stall check must run within a ramp interval.
    var hasQueuedEvents: Bool {
        state.withLock { $0.queuedCount > 0 }
    }

    /// I/O thread: queues `batch` and makes sure a worker is on it.
    func add(_ batch: [[UInt8]], at now: ContinuousClock.Instant) -> Admission {
        var handingOver: [(UnsafeContinuation<([UInt8]?, Bool), Never>, [UInt8])] = []
        let admission = state.withLock { state -> Admission in
            state.queued.append(contentsOf: batch)
            state.batches.append((state.queued.count, now))
            var admission = Admission()
            if state.activeWorkers == 0, state.addWorker(limit: limit, handingOver: &handingOver) {
                admission.workersToStart = 1
            }
            state.readerIsPaused = state.queuedCount >= queueLimit
            admission.pausesReader = state.readerIsPaused
            return admission
        }
        for (worker, payload) in handingOver { worker.resume(returning: (payload, false)) }
        return admission
    }

    /// I/O thread timer: when the oldest queued event has waited a ramp interval, and
    /// none was added since the last ramp, one more worker joins.
    func rampUpIfStalled(now: ContinuousClock.Instant) -> Admission {
        var handingOver: [(UnsafeContinuation<([UInt8]?, Bool), Never>, [UInt8])] = []
        let admission = state.withLock { state -> Admission in
            guard let oldest = state.batches.first?.at, oldest.duration(to: now) >= Self.rampInterval else {
                return Admission()
            }
            if let lastRamp = state.lastRamp, lastRamp.duration(to: now) < Self.rampInterval { return Admission() }
            state.lastRamp = now
            var admission = Admission()
            if state.addWorker(limit: limit, handingOver: &handingOver) { admission.workersToStart = 1 }
            admission.resumesReader = !handingOver.isEmpty && takingResumesReader(&state)
            return admission
        }
        for (worker, payload) in handingOver { worker.resume(returning: (payload, false)) }
        return admission
    }

    /// I/O thread: keeps a started worker's task so `close()` can cancel it.
    func startWorker(_ task: Task<Void, Never>) {
        let cancelsAtOnce = state.withLock { state in
            state.workerTasks.append(task)
            return state.isClosed
        }
        if cancelsAtOnce { task.cancel() }
    }

    /// What a worker finds when it looks for its next event.
    enum Take {
        case event([UInt8])
        /// Nothing queued: wait with ``waitForNext(resumeReader:)``.
        case empty
        case closed
    }

    /// Worker: the next queued event, without waiting (a plain call: a steady flow costs
    /// no async frame here). `resumeReader` runs when the I/O thread must read again.
    func take(resumeReader: () -> Void) -> Take {
        let (take, resumesReader) = state.withLock { state -> (Take, Bool) in
            if state.isClosed { return (.closed, false) }
            guard let payload = state.takeQueued() else { return (.empty, false) }
            return (.event(payload), takingResumesReader(&state))
        }
        if resumesReader { resumeReader() }
        return take
    }

    /// Worker: waits parked for the next event; nil once the inbox is closed.
    func waitForNext(resumeReader: () -> Void) async -> [UInt8]? {
        let (payload, resumesReader) = await withUnsafeContinuation {
            (continuation: UnsafeContinuation<([UInt8]?, Bool), Never>) in
            let immediate = state.withLock { state -> ([UInt8]?, Bool)? in
                if state.isClosed { return (nil, false) }
                if let payload = state.takeQueued() { return (payload, takingResumesReader(&state)) }
                state.idleWorkers.append(continuation)
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
        if resumesReader { resumeReader() }
        return payload
    }

    /// After a worker took an event: whether the queue is now low enough for a paused
    /// reader to read again (it then no longer counts as paused).
    private func takingResumesReader(_ state: inout State) -> Bool {
        guard state.readerIsPaused && state.queuedCount <= queueLimit / 2 else { return false }
        state.readerIsPaused = false
        return true
    }

    /// Drops queued events, ends parked workers and cancels running handlers; returns
    /// the workers' tasks so the caller can wait for them.
    func close() -> [Task<Void, Never>] {
        let (idle, tasks) = state.withLock { state in
            state.isClosed = true
            state.queued = []
            state.batches = []
            state.head = 0
            defer {
                state.idleWorkers = []
                state.workerTasks = []
            }
            return (state.idleWorkers, state.workerTasks)
        }
        for worker in idle { worker.resume(returning: (nil, false)) }
        for task in tasks { task.cancel() }
        return tasks
    }
}
