// Warnings about malformed input, rate-limited: a peer sending garbage in a loop must not
// turn the log into its megaphone, nor cost the I/O thread a log write per message.
import Logging

/// Logs at most `burst` warnings per `window`; the rest are counted, and the next window
/// opens with one line saying how many were suppressed.
final class MalformedInputLog: Sendable {
    private struct State {
        var windowStart: ContinuousClock.Instant
        var logged = 0
        var suppressed = 0
    }

    private let logger: Logger
    private let burst: Int
    private let window: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state: LockedValue<State>

    init(
        logger: Logger, burst: Int = 10, window: Duration = .seconds(10),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.logger = logger
        self.burst = burst
        self.window = window
        self.now = now
        state = LockedValue(State(windowStart: now()))
    }

    /// Logs `message` at `.warning` unless this window's burst is used up.
    func warning(_ message: @autoclosure () -> Logger.Message) {
        guard logger.logLevel <= .warning else { return }
        let instant = now()
        let (logs, suppressedBefore) = state.withLock { state -> (Bool, Int) in
            var suppressedBefore = 0
            if instant - state.windowStart >= window {
                suppressedBefore = state.suppressed
                state = State(windowStart: instant)
            }
            guard state.logged < burst else {
                state.suppressed += 1
                return (false, suppressedBefore)
            }
            state.logged += 1
            return (true, suppressedBefore)
        }
        if suppressedBefore > 0 {
            logger.warning(
                "zerorpc: suppressed \(suppressedBefore) more malformed-input warning(s) in the last \(window)")
        }
        if logs { logger.warning(message()) }
    }
}
