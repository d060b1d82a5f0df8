/// Events a receiver has read and not yet handled, between its I/O thread (which adds
/// them) and its worker tasks (which take and handle them, one at a time each).
///
/// Workers are started on demand, up to the handler limit, and park when nothing waits
/// rather than end, so a steady flow costs no task creation. The inbox also keeps the
/// back-pressure count: the I/O thread stops reading once `limit` events are in hand
/// (queued or running), and a worker tells it to read again once half of them are done,
/// so a busy receiver wakes its I/O thread once per `limit / 2` events, not per event.
final class EventInbox: Sendable {
    private struct State {
        var queued: [[UInt8]] = []
        var head = 0
        var running = 0
        var workers = 0
        var idleWorkers: [UnsafeContinuation<[UInt8]?, Never>] = []
        var workerTasks: [Task<Void, Never>] = []
        var readerIsPaused = false
        var isClosed = false

        var queuedCount: Int { queued.count - head }

        mutating func takeQueued() -> [UInt8]? {
            guard head < queued.count else { return nil }
            let payload = queued[head]
            queued[head] = []
            head += 1
            if head == queued.count {
                queued.removeAll(keepingCapacity: true)
                head = 0
            }
            return payload
        }
    }

    /// What the I/O thread must do after adding a batch.
    struct Admission {
        /// Start this many workers (``startWorker(_:)``).
        var workersToStart: Int
        /// Stop reading until a worker asks to resume.
        var pausesReader: Bool
    }

    let limit: Int
    private let state = LockedValue(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// I/O thread: how many more events may be read now.
    var room: Int {
        state.withLock { max(0, limit - $0.running - $0.queuedCount) }
    }

    /// I/O thread: hands `batch` to idle workers or queues it.
    func add(_ batch: [[UInt8]]) -> Admission {
        var handedOver: [(UnsafeContinuation<[UInt8]?, Never>, [UInt8])] = []
        let admission = state.withLock { state -> Admission in
            for payload in batch {
                if let worker = state.idleWorkers.popLast() {
                    state.running += 1
                    handedOver.append((worker, payload))
                } else {
                    state.queued.append(payload)
                }
            }
            let starting = max(0, min(state.queuedCount, limit - state.workers))
            state.workers += starting
            state.readerIsPaused = state.running + state.queuedCount >= limit
            return Admission(workersToStart: starting, pausesReader: state.readerIsPaused)
        }
        for (worker, payload) in handedOver { worker.resume(returning: payload) }
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

    /// Worker: reports the event it just handled (if any) and waits for the next one;
    /// nil once the inbox is closed. `resumeReader` runs when the I/O thread must read again.
    func next(afterHandlingOne handledOne: Bool, resumeReader: () -> Void) async -> [UInt8]? {
        enum Next {
            case event([UInt8])
            case park
            case end
        }
        let (next, resumes) = state.withLock { state -> (Next, Bool) in
            var resumes = false
            if handledOne {
                state.running -= 1
                if state.readerIsPaused && state.running + state.queuedCount <= limit / 2 {
                    state.readerIsPaused = false
                    resumes = true
                }
            }
            if state.isClosed { return (.end, resumes) }
            if let payload = state.takeQueued() {
                state.running += 1
                return (.event(payload), resumes)
            }
            return (.park, resumes)
        }
        if resumes { resumeReader() }
        switch next {
        case .event(let payload): return payload
        case .end: return nil
        case .park:
            return await withUnsafeContinuation { continuation in
                let immediate = state.withLock { state -> [UInt8]?? in
                    if state.isClosed { return .some(nil) }
                    if let payload = state.takeQueued() {
                        state.running += 1
                        return .some(payload)
                    }
                    state.idleWorkers.append(continuation)
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        }
    }

    /// Drops queued events, ends parked workers and cancels running handlers; returns
    /// the workers' tasks so the caller can wait for them.
    func close() -> [Task<Void, Never>] {
        let (idle, tasks) = state.withLock { state in
            state.isClosed = true
            state.queued = []
            state.head = 0
            defer {
                state.idleWorkers = []
                state.workerTasks = []
            }
            return (state.idleWorkers, state.workerTasks)
        }
        for worker in idle { worker.resume(returning: nil) }
        for task in tasks { task.cancel() }
        return tasks
    }
}
