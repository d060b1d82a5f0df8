import CZeroMQ

/// The PUB or PUSH socket of a ``Publisher`` or ``Pusher``.
///
/// A send costs no thread hand-off: the calling task encodes the event and gives it to
/// ZeroMQ itself, under the socket's lock (DESIGN.md, "Runtime": a socket changes threads
/// only under its lock, the full barrier ZeroMQ requires). Only a send that finds no room
/// (a pusher with no puller yet, or every puller's queue full) waits, in a queue the
/// sender's own thread works off as room appears (`SendingSocket+Waiting.swift`). Later
/// sends queue behind a waiting one, so events leave in the order of their sends.
final class SendingSocket: Sendable {
    enum Pattern: Sendable {
        case publish, push

        var kind: ZMQSocket.Kind { self == .publish ? .pub : .push }
    }

    struct WaitingSend {
        let id: UInt64
        let method: String
        let payload: [UInt8]
        let deadline: ContinuousClock.Instant?
        let continuation: UnsafeContinuation<Void, any Error>
    }

    struct State {
        /// Nil once the sender's thread took it to close it.
        var socket: ZMQSocket?
        var waiting = FIFO<WaitingSend>()
        var nextWaitID: UInt64 = 0
        var isClosed = false
        var threadHasStopped = false
        var closeWaiters: [CheckedContinuation<Void, Never>] = []

        var hasWaitingSends: Bool { !waiting.isEmpty }
    }

    let pattern: Pattern
    let options: EventSenderOptions
    let state: LockedValue<State>
    /// Wakes the sender's thread: a send started waiting, the socket was closed, or an
    /// endpoint was added (which may consume the socket's `ZMQ_FD` edge, see `SocketPoller`).
    /// Signalled only under the lock, by a thread that saw the sender's thread still
    /// running, because that thread releases the descriptor once it stopped.
    let wakeUp: WakeUpSignal

    init(_ pattern: Pattern, options: EventSenderOptions) throws(RPCError) {
        self.pattern = pattern
        self.options = options
        let socket: ZMQSocket
        do throws(TransportError) {
            socket = try ZMQSocket(pattern.kind)
            try socket.setOption(ZMQ_SNDHWM, Int32(clamping: max(0, options.highWaterMark)))
            if pattern == .push {
                // Without it a connecting PUSH queues events for a peer that is not there
                // yet (and may never come); with it, "no puller" means "no room": wait.
                try socket.setOption(ZMQ_IMMEDIATE, 1)
            }
            wakeUp = try WakeUpSignal()
        } catch {
            throw .protocolViolation(error.description)
        }
        state = LockedValue(State(socket: socket))
        IOThread.start(name: pattern == .publish ? "zerorpc-publisher" : "zerorpc-pusher") { [self] in
            serveWaitingSends()
        }
    }

    /// Binds an endpoint; returns the one actually bound (the real port for `tcp://…:0`).
    func bind(_ endpoint: String) throws(RPCError) -> String {
        try withOpenSocket(endpoint) { socket throws(TransportError) in try socket.bind(endpoint) }
    }

    func connect(_ endpoint: String) throws(RPCError) {
        try withOpenSocket(endpoint) { socket throws(TransportError) in try socket.connect(endpoint) }
    }

    private func withOpenSocket<Value>(
        _ endpoint: String, _ body: (ZMQSocket) throws(TransportError) -> Value
    ) throws(RPCError) -> Value {
        try state.withLock { state throws(RPCError) -> Value in
            guard !state.isClosed, let socket = state.socket else { throw .closed }
            do throws(TransportError) {
                let result = try body(socket)
                if state.hasWaitingSends { wakeUp.signal() }
                return result
            } catch {
                throw .invalidEndpoint(endpoint, reason: error.description)
            }
        }
    }

    private enum Attempt {
        case sent, mustWait, closed
        case failed(TransportError)
    }

    /// Gives `payload` (one encoded event) to ZeroMQ; returns once ZeroMQ queued it.
    func send(_ method: String, payload: [UInt8]) async throws {
        if try sendsAtOnce(payload) { return }
        try await sendWhenThereIsRoom(method, payload: payload)
    }

    /// The fast path, a plain call: true when ZeroMQ took `payload` at once, false when
    /// the send must wait for room.
    func sendsAtOnce(_ payload: [UInt8]) throws(RPCError) -> Bool {
        let attempt = state.withLock { state -> Attempt in
            guard !state.isClosed, let socket = state.socket else { return .closed }
            guard !state.hasWaitingSends else { return .mustWait }
            return Self.attempt(payload, on: socket)
        }
        switch attempt {
        case .sent: return true
        case .mustWait: return false
        case .closed: throw .closed
        case .failed(let error): throw .protocolViolation(error.description)
        }
    }

    private static func attempt(_ payload: [UInt8], on socket: ZMQSocket) -> Attempt {
        switch socket.send(frame: payload) {
        case .sent: .sent
        case .wouldBlock, .unreachable: .mustWait
        case .failed(let error): .failed(error)
        }
    }

    /// The slow path: queues the send for the sender's thread, which resumes it once
    /// ZeroMQ took the event, or fails it when `sendTimeout` runs out, the task is
    /// cancelled or the sender closes. Whoever takes it out of the queue under the lock
    /// resumes it, so it is resumed exactly once.
    func sendWhenThereIsRoom(_ method: String, payload: [UInt8]) async throws {
        var deadline: ContinuousClock.Instant?
        if let timeout = options.sendTimeout {
            guard timeout > .zero else { throw RPCError.timeout(method: method, after: timeout) }
            deadline = .now.advanced(by: timeout)
        }
        let id = state.withLock { state in
            state.nextWaitID &+= 1
            return state.nextWaitID
        }
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Void, any Error>? in
                    guard !state.isClosed, let socket = state.socket else { return .failure(RPCError.closed) }
                    // The cancellation flag is set before `onCancel` runs, and `onCancel`
                    // takes this lock: either it finds the send queued, or this sees the flag.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if !state.hasWaitingSends {
                        switch Self.attempt(payload, on: socket) {
                        case .sent: return .success(())
                        case .failed(let error): return .failure(RPCError.protocolViolation(error.description))
                        case .mustWait, .closed: wakeUp.signal()  // the thread sleeps while nothing waits
                        }
                    }
                    state.waiting.append(
                        WaitingSend(
                            id: id, method: method, payload: payload, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> WaitingSend? in
                state.waiting.removeFirst(where: { $0.id == id })
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Fails waiting sends with `RPCError.closed` and hands the socket to the sender's
    /// thread, which closes it with `lingerOnClose`; returns when it has.
    func close() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.threadHasStopped { return true }
                state.closeWaiters.append(continuation)
                state.isClosed = true
                wakeUp.signal()
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Starts closing without waiting (the owner went away without `close()`).
    func closeInBackground() {
        state.withLock { state in
            guard !state.isClosed else { return }
            state.isClosed = true
            wakeUp.signal()
        }
    }
}
