import CZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `poll(2)`, under a name `SocketPoller.poll` does not shadow.
private func systemPoll(_ descriptors: UnsafeMutablePointer<pollfd>?, _ count: nfds_t, _ timeout: Int32) -> Int32 {
    poll(descriptors, count, timeout)
}

/// Waits for an I/O thread's sockets and its wake-up descriptor with one `poll(2)` over
/// the sockets' `ZMQ_FD`s, and asks a socket for `ZMQ_EVENTS` only when it must.
///
/// `zmq_poll` asks every socket for `ZMQ_EVENTS` before and after it sleeps, and each ask
/// is a system call; with a monitor socket beside each DEALER that came to eleven `poll`s
/// per call. `ZMQ_FD` is edge-triggered: it turns readable when commands reach the
/// socket's mailbox, and a send or receive may consume that signal. So a socket is asked
/// for `ZMQ_EVENTS` before the thread sleeps only when it was used since its state was
/// last known (`ZMQSocket.needsEventCheck`); a receive that ended in `EAGAIN` leaves it
/// known. Rebuilds its arrays in place each turn, so a turn allocates nothing.
struct SocketPoller {
    private var descriptors: [pollfd] = []
    private var ready: [Int16] = []
    private var socketCount = 0

    /// Waits up to `timeoutMilliseconds` (-1: forever) for input on any of `count`
    /// sockets, room to write on those that `wantsToWrite`, or the wake-up descriptor
    /// (none for a caller leading its own call, which must not take the I/O thread's).
    /// Does not wait when a socket already has what it is asked for. EINTR counts as a
    /// wake-up with nothing ready. `sleep` runs the `poll(2)` itself: the loop releases its
    /// `TurnLock` there, and only there, so other threads may use the sockets meanwhile.
    mutating func poll(
        count: Int, socket: (Int) -> ZMQSocket, wantsToWrite: (Int) -> Bool, wakeUp: WakeUpSignal?,
        timeoutMilliseconds: Int, sleep: (() -> Int32) -> Int32 = { $0() }
    ) {
        descriptors.removeAll(keepingCapacity: true)
        ready.removeAll(keepingCapacity: true)
        socketCount = count
        var timeout = timeoutMilliseconds
        for index in 0..<count {
            let socket = socket(index)
            let writes = wantsToWrite(index)
            let wanted = Int16(ZMQ_POLLIN) | (writes ? Int16(ZMQ_POLLOUT) : 0)
            var events: Int16 = 0
            // A receive that ended in `EAGAIN` leaves the input known, not the room to
            // write: it processed the socket's commands, a pipe's `activate_write` among
            // them, and with them took the descriptor's edge that room would have raised.
            if socket.needsEventCheck || writes {
                events = socket.pendingEvents() & wanted
                if events != 0 { timeout = 0 }
            }
            ready.append(events)
            descriptors.append(pollfd(fd: socket.fileDescriptor, events: Int16(POLLIN), revents: 0))
        }
        if let wakeUp {
            descriptors.append(pollfd(fd: wakeUp.fileDescriptor, events: Int16(POLLIN), revents: 0))
        }
        let result = descriptors.withUnsafeMutableBufferPointer { descriptors in
            sleep { systemPoll(descriptors.baseAddress, nfds_t(descriptors.count), Int32(timeout)) }
        }
        guard result > 0 else { return }
        for index in 0..<count where descriptors[index].revents != 0 {
            let wanted = Int16(ZMQ_POLLIN) | (wantsToWrite(index) ? Int16(ZMQ_POLLOUT) : 0)
            ready[index] |= socket(index).pendingEvents() & wanted
        }
        if let wakeUp, descriptors[count].revents & Int16(POLLIN) != 0 {
            wakeUp.drain()
        }
    }

    /// Whether socket `index` had input at the last poll.
    func isReadable(_ index: Int) -> Bool {
        index < socketCount && ready[index] & Int16(ZMQ_POLLIN) != 0
    }

    /// Whether socket `index` had room to write at the last poll.
    func isWritable(_ index: Int) -> Bool {
        index < socketCount && ready[index] & Int16(ZMQ_POLLOUT) != 0
    }
}
