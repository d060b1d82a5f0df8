/// Graceful shutdown on the server's I/O thread: refusing new calls, then closing once
/// the calls in flight (and, if asked, deferred jobs and their claims) are done or a
/// deadline passes.
extension ServerLoop {
    struct Drain {
        let deadline: ContinuousClock.Instant
        /// Also wait until deferred jobs finished and their results were acknowledged.
        let waitsForClaims: Bool
    }

    /// How often a drain that waits on deferred work looks again: that work ends off
    /// this thread, without a command.
    static let drainCheckInterval: Duration = .milliseconds(20)

    /// Whether `name` is still served while new calls are refused: the protocol's own
    /// requests, so clients can claim deferred results and introspect.
    static func isServedWhileRefusing(_ name: String) -> Bool {
        name.hasPrefix("_zpc_") || name.hasPrefix("_zerorpc_")
    }

    func beginDrain(_ drain: Drain, waiter: CheckedContinuation<Void, Never>) {
        refusesNewCalls = true
        closeWaiters.append(waiter)
        if let current = self.drain, current.deadline < drain.deadline { return }
        self.drain = drain
        checkDrain(now: .now)
    }

    /// Stops the loop once nothing is left to wait for, or the deadline passed; `stop()`
    /// then cancels what still runs.
    func checkDrain(now: ContinuousClock.Instant) {
        guard let drain, isRunning else { return }
        var idle = calls.isEmpty
        if idle {
            idle =
                deferredRuntime.runningJobCount == 0
                && (!drain.waitsForClaims || deferredRuntime.unclaimedCount == 0)
        }
        if idle || now >= drain.deadline {
            if !idle {
                options.logger.warning("zerorpc server: shutdown deadline passed; cancelling \(calls.count) call(s)")
            }
            isRunning = false
        }
    }

    /// The drain's next look, for the poll timeout.
    func drainWakeUp(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        guard let drain else { return nil }
        return min(drain.deadline, now.advanced(by: Self.drainCheckInterval))
    }
}
