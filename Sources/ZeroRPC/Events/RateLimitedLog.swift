import Logging

/// Logs at most `burst` warnings per `interval` and counts the rest, reporting how many
/// were left out with the first warning of a later interval: a peer flooding us with bad
/// events must not turn into a flood of log lines.
final class RateLimitedLog: Sendable {
    private struct Window {
        var start: ContinuousClock.Instant?
        var logged = 0
        var leftOut = 0
    }

    let logger: Logger
    let burst: Int
    let interval: Duration
    private let window = LockedValue(Window())

    init(logger: Logger, burst: Int = 10, interval: Duration = .seconds(10)) {
        self.logger = logger
        self.burst = burst
        self.interval = interval
    }

    func warning(_ message: @autoclosure () -> String) {
        let now = ContinuousClock.now
        let (logs, leftOutBefore) = window.withLock { window -> (Bool, Int) in
            if let start = window.start, start.duration(to: now) < interval {
                guard window.logged < burst else {
                    window.leftOut += 1
                    return (false, 0)
                }
                window.logged += 1
                return (true, 0)
            }
            let leftOut = window.leftOut
            window = Window(start: now, logged: 1)
            return (true, leftOut)
        }
        if leftOutBefore > 0 {
            logger.warning("zerorpc events: \(leftOutBefore) similar warning(s) left out in the previous \(interval)")
        }
        if logs { logger.warning("\(message())") }
    }
}
