import CZeroMQ
import Foundation

@testable import ZeroRPC

extension RawPeer {
    /// The socket, the messages read from it and the receives waiting for them, shared by
    /// the peer and its reading thread (which must not keep the peer alive).
    ///
    /// The thread sleeps in `poll` on the socket's `ZMQ_FD` and a wake-up descriptor,
    /// never holding the socket's lock while it waits, so sends from tests go through at
    /// once. `ZMQ_FD` only signals new events: a send from another thread may take the
    /// signal of a message that arrived meanwhile, so every send wakes the thread to
    /// look again.
    final class Reader: Sendable {
        /// A receive of `wanted` messages, which gives up when `idleLimit` passes without
        /// one. Its task may register it before it awaits the outcome.
        private struct Receive {
            let id: UInt64
            let wanted: Int
            let idleLimit: Duration
            var deadline: ContinuousClock.Instant
            var taken: [[[UInt8]]] = []
            var continuation: CheckedContinuation<[[[UInt8]]], Never>?
        }

        private struct State {
            var received: [[[UInt8]]] = []
            var receives: [Receive] = []
            /// Receives that ended before their task awaited them.
            var outcomes: [UInt64: [[[UInt8]]]] = [:]
            var nextID: UInt64 = 0
            var isClosed = false

            /// Hands received messages to receives, oldest first; returns those complete.
            mutating func serveReceives(now: ContinuousClock.Instant) -> [Receive] {
                var complete: [Receive] = []
                while !receives.isEmpty && !received.isEmpty {
                    receives[0].taken.append(received.removeFirst())
                    receives[0].deadline = now.advanced(by: receives[0].idleLimit)
                    if receives[0].taken.count == receives[0].wanted { complete.append(receives.removeFirst()) }
                }
                return complete
            }

            /// Ended receives: those awaited are returned to be resumed, the others keep
            /// their outcome until awaited.
            mutating func end(_ ended: [Receive]) -> [(CheckedContinuation<[[[UInt8]]], Never>, [[[UInt8]]])] {
                var resumable: [(CheckedContinuation<[[[UInt8]]], Never>, [[[UInt8]]])] = []
                for receive in ended {
                    if let continuation = receive.continuation {
                        resumable.append((continuation, receive.taken))
                    } else {
                        outcomes[receive.id] = receive.taken
                    }
                }
                return resumable
            }
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

        /// Starts a receive of the next `count` messages: from now on the thread reads
        /// them as they arrive, whatever the caller's task does meanwhile.
        func register(_ count: Int, idleLimit: Duration) -> UInt64 {
            let now = ContinuousClock.now
            let (id, resumable) = state.withLock { state in
                state.nextID += 1
                let receive = Receive(
                    id: state.nextID, wanted: count, idleLimit: idleLimit, deadline: now.advanced(by: idleLimit))
                guard !state.isClosed else { return (receive.id, state.end([receive])) }
                state.receives.append(receive)
                // Under the lock, so the thread cannot have released the descriptor.
                wakeUp.signal()
                return (receive.id, state.end(state.serveReceives(now: now)))
            }
            for (continuation, messages) in resumable { continuation.resume(returning: messages) }
            return id
        }

        /// What the receive `id` took: all it wanted, or fewer when it went idle too long.
        func outcome(of id: UInt64) async -> [[[UInt8]]] {
            await withCheckedContinuation { continuation in
                let outcome: [[[UInt8]]]? = state.withLock { state in
                    if let outcome = state.outcomes.removeValue(forKey: id) { return outcome }
                    if let index = state.receives.firstIndex(where: { $0.id == id }) {
                        state.receives[index].continuation = continuation
                        return nil
                    }
                    return []
                }
                if let outcome { continuation.resume(returning: outcome) }
            }
        }

        /// Closes the socket and ends the thread; receives still waiting get what they have.
        func close() {
            socket.withLock { $0.close() }
            let resumable = state.withLock { state in
                state.isClosed = true
                wakeUp.signal()
                defer { state.receives = [] }
                return state.end(state.receives)
            }
            for (continuation, messages) in resumable { continuation.resume(returning: messages) }
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
                let (isClosed, isReading) = state.withLock { ($0.isClosed, isLive || !$0.receives.isEmpty) }
                if isClosed { break }
                if isReading { deliver(readAvailable()) }
                let timeout = expireReceives(now: .now)
                descriptors[0].events = isReading ? Int16(POLLIN) : 0
                descriptors[0].revents = 0
                descriptors[1].revents = 0
                _ = poll(&descriptors, 2, Int32(timeout))
                if descriptors[1].revents & Int16(POLLIN) != 0 { wakeUp.drain() }
            }
            wakeUp.release()
        }

        /// Every message waiting in the socket; a live peer answers heartbeats on the way,
        /// on the routing frames they came with.
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
            let resumable = state.withLock { state in
                state.received.append(contentsOf: messages)
                return state.end(state.serveReceives(now: .now))
            }
            for (continuation, messages) in resumable { continuation.resume(returning: messages) }
        }

        /// Ends the receives that went idle too long; returns the `poll` timeout until the
        /// next one would.
        private func expireReceives(now: ContinuousClock.Instant) -> Int {
            let (resumable, next) = state.withLock { state in
                let expired = state.receives.filter { $0.deadline <= now }
                state.receives.removeAll { $0.deadline <= now }
                var next = NextWakeUp()
                for receive in state.receives { next.consider(receive.deadline) }
                return (state.end(expired), next)
            }
            for (continuation, messages) in resumable { continuation.resume(returning: messages) }
            return next.milliseconds(from: now)
        }
    }
}
