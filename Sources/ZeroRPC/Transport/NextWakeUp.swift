/// The earliest of an I/O thread's timers, turned into a poll timeout.
struct NextWakeUp {
    private(set) var instant: ContinuousClock.Instant?

    mutating func consider(_ candidate: ContinuousClock.Instant) {
        if let instant, instant <= candidate { return }
        instant = candidate
    }

    /// Whole milliseconds from `now`, rounded up; 0 when already due, -1 when no timer.
    func milliseconds(from now: ContinuousClock.Instant) -> Int {
        guard let instant else { return -1 }
        let (seconds, attoseconds) = now.duration(to: instant).components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        guard nanoseconds > 0 else { return 0 }
        return Int(min((nanoseconds + 999_999) / 1_000_000, Int64(Int32.max)))
    }
}
