import CZeroMQ

/// `zmq_poll` over an I/O thread's sockets plus its wake-up descriptor (libzmq 4.3 has no
/// public poller). Reuses one item array across iterations.
struct SocketPoller {
    struct Readiness {
        var readable: [Bool]
        var writable: [Bool]
    }

    private var items: [zmq_pollitem_t] = []

    /// Waits up to `timeoutMilliseconds` (-1: forever) for input on any socket, room to
    /// write on those in `wantsToWrite`, or the wake-up descriptor. EINTR counts as a
    /// wake-up with nothing ready.
    mutating func poll(
        _ sockets: [ZMQSocket], wantsToWrite: [Bool], wakeUp: WakeUpSignal, timeoutMilliseconds: Int
    ) -> Readiness {
        items.removeAll(keepingCapacity: true)
        for (index, socket) in sockets.enumerated() {
            var events = Int16(ZMQ_POLLIN)
            if wantsToWrite[index] { events |= Int16(ZMQ_POLLOUT) }
            items.append(zmq_pollitem_t(socket: socket.handle, fd: 0, events: events, revents: 0))
        }
        items.append(zmq_pollitem_t(socket: nil, fd: wakeUp.fileDescriptor, events: Int16(ZMQ_POLLIN), revents: 0))
        let count = zmq_poll(&items, Int32(items.count), timeoutMilliseconds)
        var readiness = Readiness(
            readable: Array(repeating: false, count: sockets.count),
            writable: Array(repeating: false, count: sockets.count))
        guard count > 0 else { return readiness }
        for index in sockets.indices {
            readiness.readable[index] = items[index].revents & Int16(ZMQ_POLLIN) != 0
            readiness.writable[index] = items[index].revents & Int16(ZMQ_POLLOUT) != 0
        }
        if items[sockets.count].revents & Int16(ZMQ_POLLIN) != 0 {
            wakeUp.drain()
        }
        return readiness
    }
}
