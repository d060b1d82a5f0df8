/// Heartbeats and lost clients on a server's I/O thread.
extension ServerLoop {
    /// Sends `_zpc_hb` on every open channel whose period elapsed and drops channels whose
    /// client stayed silent for two periods, cancelling their handler (nothing is sent,
    /// as Python zerorpc does).
    func fireTimers(now: ContinuousClock.Instant) {
        if !blockedPeers.isEmpty { retryBlockedPeers(now: now) }
        if case .draining = table.lifecycle { checkDrain(now: now) }
        if memoryTrim.dueOffset != nil { memoryTrim.trimIfDue(now: now) }
        guard table.heartbeatsDue.isDue(now) else { return }
        let tick = table.heartbeatTick(now: now)
        if !tick.lost.isEmpty { memoryTrim.peersReaped(now: now, settle: min(options.heartbeatInterval, .seconds(1))) }
        for (messageID, routing) in tick.heartbeats {
            send(EventEncoder.heartbeat(responseTo: messageID), to: routing)
        }
        for (callNumber, running) in tick.lost {
            options.logger.warning("zerorpc server: lost the client of call \(callNumber); cancelling it")
            if let running { cancelHandler(of: running) }
        }
    }

    func pollTimeout(now: ContinuousClock.Instant) -> Int {
        var next = table.heartbeatsDue
        if !blockedPeers.isEmpty {
            next.consider(now.advanced(by: Self.peerRetryInterval))
        }
        if case .draining = table.lifecycle, let drainCheck = drainWakeUp(now: now) { next.consider(drainCheck) }
        if let trim = memoryTrim.dueOffset { next.consider(offset: trim) }
        return next.milliseconds(from: now)
    }
}
