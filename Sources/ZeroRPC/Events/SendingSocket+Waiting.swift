import CZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The sender's thread: sleeps until a send has to wait, then sends the waiting events
/// as room appears, expires those whose `sendTimeout` ran out, and at the end closes the
/// socket. Closing is here rather than in `close()` because closing the process's last
/// socket terminates the ZeroMQ context, which waits for the linger: a thread of ours
/// may block, a task's thread must not.
extension SendingSocket {
    private enum Step {
        /// Room appeared while flushing: flush again at once.
        case again
        /// Sleep until woken, or until the socket's `ZMQ_FD` signals (when sends wait).
        case sleep(socketDescriptor: Int32?, milliseconds: Int32)
        case close(ZMQSocket?, waiters: [CheckedContinuation<Void, Never>])
    }

    /// At most this long between looks at the waiting sends, whatever the descriptors say.
    private static let longestSleep: Int32 = 1000

    func serveWaitingSends() {
        while true {
            var outcomes: [(UnsafeContinuation<Void, any Error>, Result<Void, any Error>)] = []
            let step = state.withLock { state in nextStep(&state, outcomes: &outcomes) }
            for (continuation, outcome) in outcomes { continuation.resume(with: outcome) }
            switch step {
            case .again:
                continue
            case .sleep(let socketDescriptor, let milliseconds):
                waitForWork(socketDescriptor: socketDescriptor, milliseconds: milliseconds)
            case .close(let socket, let waiters):
                if let socket {
                    try? socket.setOption(ZMQ_LINGER, options.lingerOnClose.clampedMilliseconds)
                    socket.close()
                }
                let late = state.withLock { state in
                    state.threadHasStopped = true
                    defer { state.closeWaiters = [] }
                    return state.closeWaiters
                }
                wakeUp.release()
                for waiter in waiters + late { waiter.resume() }
                return
            }
        }
    }

    private func nextStep(
        _ state: inout State, outcomes: inout [(UnsafeContinuation<Void, any Error>, Result<Void, any Error>)]
    ) -> Step {
        if state.isClosed {
            while let waiting = state.waiting.popFirst() {
                outcomes.append((waiting.continuation, .failure(RPCError.closed)))
            }
            let socket = state.socket
            state.socket = nil
            defer { state.closeWaiters = [] }
            return .close(socket, waiters: state.closeWaiters)
        }
        guard let socket = state.socket, state.hasWaitingSends else {
            return .sleep(socketDescriptor: nil, milliseconds: -1)
        }
        while let first = state.waiting.first {
            let outcome = socket.send(frame: first.payload)
            guard outcome != .wouldBlock && outcome != .unreachable else { break }
            _ = state.waiting.popFirst()
            if case .failed(let error) = outcome {
                options.logger.warning("zerorpc events: sending '\(first.method)' failed: \(error)")
                outcomes.append((first.continuation, .failure(RPCError.protocolViolation(error.description))))
            } else {
                outcomes.append((first.continuation, .success(())))
            }
        }
        // Deadlines grow along the queue (one timeout per sender), so expiring stops at
        // the first send still in time.
        let now = ContinuousClock.now
        while let deadline = state.waiting.first?.deadline, deadline <= now, let expired = state.waiting.popFirst() {
            let timeout = options.sendTimeout ?? .zero
            outcomes.append((expired.continuation, .failure(RPCError.timeout(method: expired.method, after: timeout))))
        }
        guard state.hasWaitingSends else { return .sleep(socketDescriptor: nil, milliseconds: -1) }
        // Asking for ZMQ_EVENTS also re-arms the edge-triggered ZMQ_FD (see SocketPoller).
        if socket.pendingEvents() & Int16(ZMQ_POLLOUT) != 0 { return .again }
        var milliseconds = Self.longestSleep
        if let deadline = state.waiting.first?.deadline {
            milliseconds = min(milliseconds, now.duration(to: deadline).clampedMilliseconds)
        }
        return .sleep(socketDescriptor: socket.fileDescriptor, milliseconds: milliseconds)
    }

    private func waitForWork(socketDescriptor: Int32?, milliseconds: Int32) {
        var descriptors = [pollfd(fd: wakeUp.fileDescriptor, events: Int16(POLLIN), revents: 0)]
        if let socketDescriptor {
            descriptors.append(pollfd(fd: socketDescriptor, events: Int16(POLLIN), revents: 0))
        }
        let ready = descriptors.withUnsafeMutableBufferPointer {
            poll($0.baseAddress, nfds_t($0.count), milliseconds)
        }
        if ready > 0 && descriptors[0].revents & Int16(POLLIN) != 0 { wakeUp.drain() }
    }
}
