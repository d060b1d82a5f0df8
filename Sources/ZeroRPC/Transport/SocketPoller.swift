import CZeroMQ

/// `zmq_poll` over an I/O thread's sockets plus its wake-up descriptor (libzmq 4.3 has no
/// public poller). Rebuilds its item array in place each turn and answers readiness from
/// it, so a turn allocates nothing.
struct SocketPoller {
    private var items: [zmq_pollitem_t] = []
    private var socketCount = 0

    /// Waits up to `timeoutMilliseconds` (-1: forever) for input on any of `count`
    /// sockets, room to write on those that `wantsToWrite`, or the wake-up descriptor.
    /// EINTR counts as a wake-up with nothing ready.
    mutating func poll(
        count: Int, socket: (Int) -> ZMQSocket, wantsToWrite: (Int) -> Bool, wakeUp: WakeUpSignal,
        timeoutMilliseconds: Int
    ) {
        items.removeAll(keepingCapacity: true)
        for index in 0..<count {
            var events = Int16(ZMQ_POLLIN)
            if wantsToWrite(index) { events |= Int16(ZMQ_POLLOUT) }
            items.append(zmq_pollitem_t(socket: socket(index).handle, fd: 0, events: events, revents: 0))
        }
        items.append(zmq_pollitem_t(socket: nil, fd: wakeUp.fileDescriptor, events: Int16(ZMQ_POLLIN), revents: 0))
        socketCount = count
        if zmq_poll(&items, Int32(items.count), timeoutMilliseconds) <= 0 {
            for index in items.indices { items[index].revents = 0 }
            return
        }
        if items[count].revents & Int16(ZMQ_POLLIN) != 0 {
            wakeUp.drain()
        }
    }

    /// Whether socket `index` had input at the last poll.
    func isReadable(_ index: Int) -> Bool {
        index < socketCount && items[index].revents & Int16(ZMQ_POLLIN) != 0
    }

    /// Whether socket `index` had room to write at the last poll.
    func isWritable(_ index: Int) -> Bool {
        index < socketCount && items[index].revents & Int16(ZMQ_POLLOUT) != 0
    }
}
