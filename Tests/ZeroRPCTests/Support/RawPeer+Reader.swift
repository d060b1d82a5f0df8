import CZeroMQ
import Foundation

@testable import ZeroRPC

extension RawPeer {
    /// The socket, the messages read from it and the tasks waiting for them, shared by
    /// the peer and its reading thread (which must not keep the peer alive).
    ///
    /// The thread sleeps in `poll` on the socket's `ZMQ_FD` and a wake-up descriptor,
    /// never holding the socket's lock while it waits, so sends from tests go through at
    /// once. `ZMQ_FD` only signals new events: a send from another thread may take the
    /// signal of a message that arrived meanwhile, so every send wakes the thread to
    /// look again.
    final class Reader: Sendable {
        private struct Waiter {
            let deadline: ContinuousClock.Instant
            let continuation: CheckedContinuation<[[UInt8]]?, Never>
        }

        private struct State {
            var received: [[[UInt8]]] = []
            var waiters: [Waiter] = []
            var isClosed = false
        }

        private enum Receipt {
            case message([[UInt8]])
            case closed
            case waiting
        }

        private let socket: LockedValue<ZMQSocket>
        private let state = LockedValue(State())
        private let wakeUp: WakeUpSignal
        private let socketDescriptor: Int32
        /// Reads all the time and answers heartbeats, rather than only for a waiting receive.
        private let isLive: Bool

        init(socket: sending ZMQSocket, answersHeartbeats: Bool) throws {
            var descriptor: Int32 = -1
            var size = MemoryLayout<Int32>.size
            guard zmq_getsockopt(socket.handle, ZMQ_FD, &descriptor, &size) == 0 else {
                throw TransportError.lastZMQError("zmq_getsockopt(ZMQ_FD)")
            }
            socketDescriptor = descriptor
            wakeUp = try WakeUpSignal()
            isLive = answersHeartbeats
            self.socket = LockedValue(socket)
            Thread { self.run() }.start()
        }

        func send(_ frames: [[UInt8]]) {
            socket.withLock { socket in
                while socket.send(frames) == .wouldBlock {
                    var item = zmq_pollitem_t(socket: socket.handle, fd: 0, events: Int16(ZMQ_POLLOUT), revents: 0)
                    _ = zmq_poll(&item, 1, 10)
                }
            }
            wake()
        }

        /// The next message, or nil once `deadline` passed without one.
        func next(before deadline: ContinuousClock.Instant) async -> [[UInt8]]? {
            await withCheckedContinuation { continuation in
                let receipt: Receipt = state.withLock { state in
                    if !state.received.isEmpty { return .message(state.received.removeFirst()) }
                    if state.isClosed { return .closed }
                    state.waiters.append(Waiter(deadline: deadline, continuation: continuation))
                    // Under the lock, so the thread cannot have released the descriptor.
                    wakeUp.signal()
                    return .waiting
                }
                switch receipt {
                case .message(let frames): continuation.resume(returning: frames)
                case .closed: continuation.resume(returning: nil)
                case .waiting: break
                }
            }
        }

        /// Closes the socket and ends the thread; waits still pending get nil.
        func close() {
            socket.withLock { $0.close() }
            let waiters = state.withLock { state in
                state.isClosed = true
                wakeUp.signal()
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.continuation.resume(returning: nil) }
        }

        /// Wakes the thread unless it has stopped (and released the descriptor).
        private func wake() {
            state.withLock { state in
                if !state.isClosed { wakeUp.signal() }
            }
        }

        private func run() {
            var descriptors = [
                pollfd(fd: socketDescriptor, events: 0, revents: 0),
                pollfd(fd: wakeUp.fileDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            while true {
                let (isClosed, isReading) = state.withLock { ($0.isClosed, isLive || !$0.waiters.isEmpty) }
                if isClosed { break }
                if isReading { deliver(readAvailable()) }
                let timeout = expireWaiters(now: .now)
                descriptors[0].events = isReading ? Int16(POLLIN) : 0
                descriptors[0].revents = 0
                descriptors[1].revents = 0
                _ = poll(&descriptors, 2, Int32(timeout))
                if descriptors[1].revents & Int16(POLLIN) != 0 { wakeUp.drain() }
            }
            wakeUp.release()
        }

        /// Every message waiting in the socket; a live peer answers heartbeats on the way.
        private func readAvailable() -> [[[UInt8]]] {
            socket.withLock { socket in
                var messages: [[[UInt8]]] = []
                while let frames = try? socket.receiveMessage() {
                    if isLive, let reply = Self.heartbeatAnswer(to: frames) {
                        _ = socket.send(frames.dropLast() + [reply])
                    }
                    messages.append(frames)
                }
                return messages
            }
        }

        private static func heartbeatAnswer(to frames: [[UInt8]]) -> [UInt8]? {
            guard let payload = frames.last, let event = try? EventEnvelope(decoding: payload),
                event.name == "_zpc_hb", let channel = event.responseTo
            else { return nil }
            return EventEncoder.heartbeat(responseTo: channel)
        }

        private func deliver(_ messages: [[[UInt8]]]) {
            guard !messages.isEmpty else { return }
            let ready = state.withLock { state in
                state.received.append(contentsOf: messages)
                var ready: [(CheckedContinuation<[[UInt8]]?, Never>, [[UInt8]])] = []
                while !state.waiters.isEmpty && !state.received.isEmpty {
                    ready.append((state.waiters.removeFirst().continuation, state.received.removeFirst()))
                }
                return ready
            }
            for (continuation, frames) in ready { continuation.resume(returning: frames) }
        }

        /// Ends the waits whose deadline passed; returns the `poll` timeout until the next.
        private func expireWaiters(now: ContinuousClock.Instant) -> Int {
            let (expired, next) = state.withLock { state in
                let expired = state.waiters.filter { $0.deadline <= now }.map(\.continuation)
                state.waiters.removeAll { $0.deadline <= now }
                var next = NextWakeUp()
                for waiter in state.waiters { next.consider(waiter.deadline) }
                return (expired, next)
            }
            for continuation in expired { continuation.resume(returning: nil) }
            return next.milliseconds(from: now)
        }
    }
}
