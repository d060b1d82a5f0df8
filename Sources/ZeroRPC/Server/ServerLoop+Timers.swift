/// Heartbeats and lost clients on a server's I/O thread.
extension ServerLoop {
    /// Sends `_zpc_hb` on every open channel whose period elapsed and drops channels whose
    /// client stayed silent for two periods, cancelling their handler (nothing is sent,
    /// as Python zerorpc does).
    func fireTimers(now: ContinuousClock.Instant) {
        if !blockedPeers.isEmpty { retryBlockedPeers(now: now) }
        if drain != nil { checkDrain(now: now) }
        if memoryTrim.due != nil { memoryTrim.trimIfDue(now: now) }
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
        if !lost.isEmpty { memoryTrim.peersReaped(now: now, settle: min(interval, .seconds(1))) }
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
        if let trim = memoryTrim.due { next.consider(trim) }
        return next.milliseconds(from: now)
    }
}
