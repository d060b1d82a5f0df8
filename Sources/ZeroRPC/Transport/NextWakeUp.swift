/// The earliest of an I/O thread's timers, turned into a poll timeout.
///
/// Kept as an offset since `ClockOffset.origin` (a frozen `Duration`): the server
/// considers every new channel's first heartbeat, and comparing resilient
/// `ContinuousClock.Instant`s goes through generic witnesses.
struct NextWakeUp {
    private(set) var offset: Duration?

    var instant: ContinuousClock.Instant? { offset.map(ClockOffset.instant) }

    mutating func consider(_ candidate: ContinuousClock.Instant) {
        consider(offset: ClockOffset.of(candidate))
    }

    /// `consider` for an instant already kept as an offset (`ClockOffset`).
    mutating func consider(offset candidate: Duration) {
        if let offset, offset <= candidate { return }
        offset = candidate
    }

    /// Whole milliseconds from `now`, rounded up; 0 when already due, -1 when no timer.
    func milliseconds(from now: ContinuousClock.Instant) -> Int {
        guard let offset else { return -1 }
        let (seconds, attoseconds) = (offset - ClockOffset.of(now)).components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        guard nanoseconds > 0 else { return 0 }
        return Int(min((nanoseconds + 999_999) / 1_000_000, Int64(Int32.max)))
    }
}
