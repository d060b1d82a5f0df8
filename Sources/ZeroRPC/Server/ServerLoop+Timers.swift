/// Heartbeats, lost clients and the per-peer send queues of a server's I/O thread.
extension ServerLoop {
    /// Sends `_zpc_hb` on every open channel whose period elapsed and drops channels whose
    /// client stayed silent for two periods, cancelling their handler (nothing is sent,
    /// as Python zerorpc does).
    func fireTimers(now: ContinuousClock.Instant) {
        if !blockedPeers.isEmpty { retryBlockedPeers(now: now) }
        if drain != nil { checkDrain(now: now) }
        guard let due = heartbeatsDue.instant, now >= due else { return }
        let interval = options.heartbeatInterval
        var lost: [ChannelKey] = []
        var next = NextWakeUp()
        for (key, channel) in channels {
            guard now >= channel.nextHeartbeat else {
                next.consider(channel.nextHeartbeat)
                continue
            }
            let lastSeen = channel.lastHeartbeatSeen ?? now
            if lastSeen.duration(to: now) > interval * 2 {
                lost.append(key)
                continue
            }
            let nextHeartbeat = now.advanced(by: interval)
            channels[key]?.lastHeartbeatSeen = lastSeen
            channels[key]?.nextHeartbeat = nextHeartbeat
            next.consider(nextHeartbeat)
            send(EventEncoder.heartbeat(responseTo: key.messageID), to: channel.routing)
        }
        heartbeatsDue = next
        for key in lost {
            guard let channel = channels.removeValue(forKey: key) else { continue }
            options.logger.warning("zerorpc server: lost the client of call \(channel.callNumber); cancelling it")
            if let task = calls[channel.callNumber]?.task {
                task.cancel()
            } else {
                calls[channel.callNumber] = nil
            }
        }
    }

    func pollTimeout(now: ContinuousClock.Instant) -> Int {
        var next = heartbeatsDue
        if !blockedPeers.isEmpty {
            next.consider(now.advanced(by: Self.peerRetryInterval))
        }
        if let drainCheck = drainWakeUp(now: now) { next.consider(drainCheck) }
        return next.milliseconds(from: now)
    }

    /// Sends `frames` followed by `["", payload]` to the peer that `routing` names,
    /// queueing behind that peer's earlier messages when the ROUTER refuses.
    func send(_ payload: [UInt8], to routing: [[UInt8]]) {
        payload.withUnsafeBytes { send($0, to: routing) }
    }

    /// Sends `payload` (copied into the message; kept only if the peer has to wait).
    func send(_ payload: UnsafeRawBufferPointer, to routing: [[UInt8]]) {
        let peer = routing[0]
        // While no peer is blocked there is no queue to look up (and hash the peer for).
        var outbound =
            blockedPeers.isEmpty ? OutboundQueue() : blockedPeers.removeValue(forKey: peer) ?? OutboundQueue()
        let outcome = outbound.send(routing: routing, payload: payload, on: socket)
        if case .failed(let error) = outcome {
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
                options.logger.warning("zerorpc server: peer unreachable, dropped \(dropped) reply message(s)")
            }
            if !outbound.isEmpty { blockedPeers[peer] = outbound }
        }
        if !streamsWaitingForPeers.isEmpty { resumeStreamsWaitingForPeers() }
    }

    /// Whether `peer` has more replies waiting than `maximumQueuedBytesPerPeer` (at or
    /// past the bound), or, with `belowHalf`, not yet drained to half of it.
    func peerQueueIsFull(_ peer: [UInt8], belowHalf: Bool = false) -> Bool {
        guard !blockedPeers.isEmpty, let queue = blockedPeers[peer] else { return false }
        let bound = options.maximumQueuedBytesPerPeer
        return queue.byteCount >= (belowHalf ? bound / 2 : bound)
    }
}
