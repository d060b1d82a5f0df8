/// Lets a repeated log message through at most once per quiet period, counting the ones
/// it held back, so a peer or a handler that misbehaves thousands of times a second
/// costs a log line every few seconds, not thousands.
struct RateLimitedLog {
    private let quietPeriod: Duration
    private var lastLogged: ContinuousClock.Instant?
    private var suppressed = 0

    init(quietPeriod: Duration = .seconds(10)) {
        self.quietPeriod = quietPeriod
    }

    /// Nil while quiet (the occurrence is counted); otherwise how many occurrences were
    /// held back since the last line.
    mutating func shouldLog(now: ContinuousClock.Instant = .now) -> Int? {
        if let lastLogged, lastLogged.duration(to: now) < quietPeriod {
            suppressed += 1
            return nil
        }
        lastLogged = now
        defer { suppressed = 0 }
        return suppressed
    }
}
