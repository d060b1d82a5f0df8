/// Graceful shutdown on the server's I/O thread: refusing new calls, then closing once
/// the calls in flight (and, if asked, deferred jobs and their claims) are done or a
/// deadline passes.
extension ServerLoop {
    /// How often a drain that waits on deferred work looks again: that work ends off
    /// this thread, without a command.
    static let drainCheckInterval: Duration = .milliseconds(20)

    /// Whether `name` is still served while new calls are refused: the protocol's own
    /// requests, so clients can claim deferred results and introspect.
    static func isServedWhileRefusing(_ name: String) -> Bool {
        name.hasPrefix("_zpc_") || name.hasPrefix("_zerorpc_")
    }

    func beginDrain(_ drain: ServerLifecycle.Drain, waiter: ServerWaiter) {
        closeWaiters.append(waiter)
        table.beginDrain(drain)
        checkDrain(now: .now)
    }

    /// Closes the loop once nothing is left to wait for, or the deadline passed; `stop()`
    /// then cancels what still runs.
    func checkDrain(now: ContinuousClock.Instant) {
        let runtime = deferredRuntime
        let check = table.checkDrain(now: now) { drain in
            runtime.runningJobCount == 0 && (!drain.waitsForClaims || runtime.unclaimedCount == 0)
        }
        if case .deadlinePassed(let openCalls) = check {
            options.logger.warning("zerorpc server: shutdown deadline passed; cancelling \(openCalls) call(s)")
        }
    }

    /// The drain's next look, for the poll timeout.
    func drainWakeUp(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        guard let drain = table.lifecycle.drain else { return nil }
        return min(drain.deadline, now.advanced(by: Self.drainCheckInterval))
    }
}
