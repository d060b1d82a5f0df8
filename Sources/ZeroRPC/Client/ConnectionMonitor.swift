import CZeroMQ

/// A client I/O thread's view of its connections, from `zmq_socket_monitor`: one PAIR
/// socket per DEALER receives libzmq's events, and `waitConnected` callers wait here
/// until every endpoint is up. Lives and dies on the I/O thread, like the sockets.
///
/// An endpoint a DEALER connects to is up from `HANDSHAKE_SUCCEEDED` (libzmq 4.3 sends it
/// for every mechanism once the ZMTP handshake, and with curve the authentication, is
/// done: a plain client facing a curve server never gets there) until `DISCONNECTED`.
/// A bound DEALER is up while at least one accepted connection is open. `inproc://`
/// endpoints have no transport events and count as up from the start.
final class ConnectionMonitor {
    private struct Watch {
        let socket: ZMQSocket
        /// False for an endpoint without transport events (inproc).
        let hasEvents: Bool
        let isBound: Bool
        var isHandshaken = false
        /// File descriptors of open accepted connections, for a bound DEALER.
        var accepted: Set<UInt32> = []
        /// What went wrong last on this endpoint, for "not connected" errors.
        var lastProblem: String?

        var isUp: Bool { !hasEvents || (isBound ? !accepted.isEmpty : isHandshaken) }
    }

    private struct Waiter {
        let deadline: ContinuousClock.Instant
        let startedAt: ContinuousClock.Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private static let events =
        ZMQ_EVENT_CONNECTED | ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED
        | ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_CONNECT_RETRIED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
        | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
    private static let monitorNumbers = LockedValue<UInt64>(0)
    private static let earlyCancelMemory: Duration = .seconds(60)

    private let status: ConnectionStatus
    private var watches: [Watch] = []
    /// The PAIR sockets libzmq publishes on, with the watch each one reports for.
    private var monitors: [(watch: Int, socket: ZMQSocket)] = []
    private var waiters: [UInt64: Waiter] = [:]
    /// Cancels that overtook their wait command (both race into the queue).
    private var earlyCancels: [UInt64: ContinuousClock.Instant] = [:]

    init(status: ConnectionStatus) {
        self.status = status
    }

    /// How many monitor sockets follow the DEALERs in the poll set.
    var socketCount: Int { monitors.count }

    /// Monitor socket `index`, for the poll set.
    func socket(at index: Int) -> ZMQSocket { monitors[index].socket }

    /// Starts watching `socket` (before it binds or connects, so no event is missed).
    func watch(_ socket: ZMQSocket, endpoint: String, isBound: Bool) throws(TransportError) {
        guard !endpoint.hasPrefix("inproc://") else {
            watches.append(Watch(socket: socket, hasEvents: false, isBound: isBound))
            publish()
            return
        }
        let number = Self.monitorNumbers.withLock { number in
            number += 1
            return number
        }
        let address = "inproc://zerorpc-monitor-\(number)"
        guard zmq_socket_monitor(socket.handle, address, Self.events) == 0 else {
            throw .lastZMQError("zmq_socket_monitor")
        }
        let monitor: ZMQSocket
        do {
            monitor = try ZMQSocket(.pair)
            try monitor.connect(address)
        } catch {
            zmq_socket_monitor(socket.handle, nil, 0)
            throw error
        }
        monitors.append((watches.count, monitor))
        watches.append(Watch(socket: socket, hasEvents: true, isBound: isBound))
        publish()
    }

    /// What a monitor's events said about its endpoint.
    struct Report {
        /// The endpoint is up and was not before.
        var cameUp = false
        /// A connection this socket made (not one it accepted) was lost after its
        /// handshake: what ZeroMQ holds for it must be read and its pipe renewed
        /// (`ClientLoop.renewPipe`).
        var lostConnection = false
    }

    /// Reads the events waiting on monitor socket `monitorIndex`, for endpoint `watch`.
    func receive(_ monitorIndex: Int) -> (watch: Int, report: Report) {
        let (index, monitor) = monitors[monitorIndex]
        let wasUp = watches[index].isUp
        var report = Report()
        while let frames = try? monitor.receiveMessage() {
            guard let header = frames.first, header.count >= 6 else { continue }
            let event = Int32(header.withUnsafeBytes { $0.loadUnaligned(as: UInt16.self) })
            let value = header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 2, as: UInt32.self) }
            switch event {
            case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
                watches[index].isHandshaken = true
                watches[index].lastProblem = nil
            case ZMQ_EVENT_ACCEPTED: watches[index].accepted.insert(value)
            case ZMQ_EVENT_DISCONNECTED:
                // Only a connection that was up: nothing was sent on one that never
                // finished its handshake, and renewing after each failed handshake (a
                // curve key the server refuses) would reconnect at once, every time,
                // instead of after libzmq's reconnect interval.
                if !watches[index].isBound && watches[index].isHandshaken { report.lostConnection = true }
                watches[index].isHandshaken = false
                watches[index].accepted.remove(value)
                watches[index].lastProblem = "the connection was lost"
            case ZMQ_EVENT_CONNECT_RETRIED: watches[index].lastProblem = "connection refused"
            case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
                watches[index].lastProblem = "the server refused the handshake (CurveZMQ keys)"
            case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
                watches[index].lastProblem = "the ZeroMQ handshake failed"
            default: break
            }
        }
        if watches[index].isUp != wasUp { publish() }
        report.cameUp = watches[index].isUp && !wasUp
        return (index, report)
    }

    /// Whether endpoint `index` has a live connection (always, for inproc).
    func isUp(_ index: Int) -> Bool {
        watches.indices.contains(index) && watches[index].isUp
    }

    /// The last problem endpoint `index` had; nil once it connected.
    func lastProblem(_ index: Int) -> String? {
        watches.indices.contains(index) ? watches[index].lastProblem : nil
    }

    /// Why endpoint `index` is not connected, as far as its events tell.
    func problem(_ index: Int) -> String {
        guard watches.indices.contains(index) else { return "closed" }
        return watches[index].lastProblem ?? "no answer"
    }

    // MARK: Waiters

    func handle(_ command: ConnectionCommand) {
        switch command {
        case .wait(let id, let deadline, let continuation):
            if earlyCancels.removeValue(forKey: id) != nil {
                continuation.resume(throwing: CancellationError())
            } else if isConnected {
                continuation.resume()
            } else {
                waiters[id] = Waiter(deadline: deadline, startedAt: .now, continuation: continuation)
            }
        case .cancel(let id):
            if let waiter = waiters.removeValue(forKey: id) {
                waiter.continuation.resume(throwing: CancellationError())
            } else {
                earlyCancels[id] = .now
            }
        }
    }

    /// The earliest waiter deadline, for the poll timeout.
    var nextDeadline: ContinuousClock.Instant? { waiters.values.map(\.deadline).min() }

    /// Fails the waiters whose deadline passed.
    func expireWaiters(now: ContinuousClock.Instant) {
        for (id, waiter) in waiters where now >= waiter.deadline {
            waiters[id] = nil
            let error = RPCError.timeout(method: "waitConnected", after: waiter.startedAt.duration(to: now))
            waiter.continuation.resume(throwing: error)
        }
        if !earlyCancels.isEmpty {
            earlyCancels = earlyCancels.filter { $0.value.duration(to: now) < Self.earlyCancelMemory }
        }
    }

    /// Stops every monitor (libzmq stops sending first, so no event waits for a reader
    /// that is gone), closes the monitor sockets, which must happen before the DEALERs
    /// close, and fails the waiters with `RPCError.closed`.
    func close() {
        for (index, monitor) in monitors {
            zmq_socket_monitor(watches[index].socket.handle, nil, 0)
            monitor.close()
        }
        monitors = []
        watches = []
        publish()
        for waiter in waiters.values {
            waiter.continuation.resume(throwing: RPCError.closed)
        }
        waiters = [:]
    }

    private var isConnected: Bool { !watches.isEmpty && watches.allSatisfy(\.isUp) }

    private func publish() {
        status.publish(watches.map(\.isUp))
        guard isConnected, !waiters.isEmpty else { return }
        let ready = waiters.values
        waiters = [:]
        for waiter in ready { waiter.continuation.resume() }
    }
}
