/// Every reply, heartbeat and stream item a server sends goes through `send`: straight to
/// the ROUTER, or behind the peer's earlier messages in its `OutboundQueue` when the
/// socket refuses, with the per-peer byte bound (`maximumQueuedBytesPerPeer`). Replies
/// the leader's turn produces for a client that reads batches wait in `heldReplies`
/// until the turn polls (`hold`); every other send goes out after them, so each peer
/// still gets its events in the order they were made.
extension ServerLoop {
    /// Sends `frames` followed by `["", payload]` to the peer that `routing` names,
    /// queueing behind that peer's earlier messages when the ROUTER refuses. A large
    /// payload goes as the array itself, without a copy (`ZMQSocket`).
    func send(_ payload: [UInt8], to routing: [[UInt8]]) {
        if !heldReplies.isEmpty { sendHeldReplies() }
        withOutboundQueue(of: routing[0]) { $0.send(routing: routing, payload: payload, on: socket) }
    }

    /// Sends `payload` (copied into the message; kept only if the peer has to wait).
    func send(_ payload: UnsafeRawBufferPointer, to routing: [[UInt8]]) {
        if !heldReplies.isEmpty { sendHeldReplies() }
        withOutboundQueue(of: routing[0]) { $0.send(routing: routing, payload: payload, on: socket) }
    }

    /// Keeps `reply` for `routing`'s peer, a client that reads several events a message
    /// (`ProtocolExtension.batch`), to go out with the other replies this turn makes for
    /// it as one message when the turn polls (`sendHeldReplies`), or as soon as
    /// `HeldReplies.countLimit` are held. Replies for another peer first send those held;
    /// a reply that would take the batch past `HeldReplies.byteLimit` goes out alone.
    func hold(_ reply: [UInt8], for routing: [[UInt8]]) {
        if !heldReplies.isEmpty && !heldReplies.canAdd(reply, for: routing) { sendHeldReplies() }
        guard reply.count <= HeldReplies.byteLimit else {
            send(reply, to: routing)
            return
        }
        heldReplies.add(reply, for: routing)
        if heldReplies.count >= HeldReplies.countLimit { sendHeldReplies() }
    }

    /// Sends the held replies: one alone as it is, several as one message of their
    /// events back to back.
    func sendHeldReplies() {
        let routing = heldReplies.routing
        let payload = heldReplies.takePayload()
        withOutboundQueue(of: routing[0]) { $0.send(routing: routing, payload: payload, on: socket) }
    }

    /// Runs `send` on `peer`'s queue of refused messages (an empty one while no peer is
    /// blocked: then there is no queue to look up and hash the peer for) and keeps the
    /// queue if messages are left in it.
    private func withOutboundQueue(of peer: [UInt8], _ send: (inout OutboundQueue) -> SendOutcome) {
        var outbound =
            blockedPeers.isEmpty ? OutboundQueue() : blockedPeers.removeValue(forKey: peer) ?? OutboundQueue()
        if case .failed(let error) = send(&outbound) {
            options.logger.error("zerorpc server: send failed: \(error)")
        }
        if !outbound.isEmpty { blockedPeers[peer] = outbound }
    }

    /// Retries queued messages. A peer that is merely slow (`EAGAIN`) keeps its queue, as
    /// ZeroMQ back-pressure intends; a peer unreachable for longer than two heartbeat
    /// periods is gone (its identity never comes back) and its messages are dropped with a
    /// log line.
    func retryBlockedPeers(now: ContinuousClock.Instant) {
        let giveUpAfter = options.heartbeatInterval * 2
        for peer in Array(blockedPeers.keys) {
            guard var outbound = blockedPeers.removeValue(forKey: peer) else { continue }
            if let error = outbound.flush(on: socket) {
                options.logger.error("zerorpc server: send failed: \(error)")
            }
            if outbound.peerIsUnreachable, let since = outbound.blockedSince, since.duration(to: now) > giveUpAfter {
                let dropped = outbound.removeAll()
                memoryTrim.peersReaped(now: now, settle: .zero)
                options.logger.warning("zerorpc server: peer unreachable, dropped \(dropped) reply message(s)")
            }
            if !outbound.isEmpty { blockedPeers[peer] = outbound }
        }
        if !table.streamsWaitingForPeers.isEmpty { resumeStreamsWaitingForPeers() }
    }

    /// Whether `peer` has more replies waiting than `maximumQueuedBytesPerPeer` (at or
    /// past the bound), or, with `belowHalf`, not yet drained to half of it.
    func peerQueueIsFull(_ peer: [UInt8], belowHalf: Bool = false) -> Bool {
        guard !blockedPeers.isEmpty, let queue = blockedPeers[peer] else { return false }
        let bound = options.maximumQueuedBytesPerPeer
        return queue.byteCount >= (belowHalf ? bound / 2 : bound)
    }
}
