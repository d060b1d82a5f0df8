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

    /// Whether a wake-up is set and `now` has reached it. Compares offsets: an optional
    /// resilient `ContinuousClock.Instant` is copied through value witnesses.
    func isDue(_ now: ContinuousClock.Instant) -> Bool {
        guard let offset else { return false }
        return ClockOffset.of(now) >= offset
    }

    /// Whole milliseconds from `now`, rounded up; 0 when already due, -1 when no timer,
    /// at most `Int32.max`. A loop asks every turn, so this stays in 64-bit arithmetic:
    /// `Duration.components` divided 128-bit integers (~190 instructions), and
    /// converting an `Int128` to `Double` goes through the generic path (thousands).
    /// Below the cap the attoseconds fit in 81 bits; dropping the low 20 (about a
    /// nanosecond) leaves a `UInt64`, scaled to milliseconds in `Double`.
    func milliseconds(from now: ContinuousClock.Instant) -> Int {
        guard let offset else { return -1 }
        let remaining = offset - ClockOffset.of(now)
        guard remaining > .zero else { return 0 }
        guard remaining < Self.longestTimeout else { return Int(Int32.max) }
        let units = UInt64(truncatingIfNeeded: remaining.attoseconds >> 20)
        let milliseconds = (Double(units) * Self.millisecondsPerUnit).rounded(.up)
        return max(Int(milliseconds), 1)
    }

    private static let longestTimeout = Duration.milliseconds(Int32.max)
    /// Milliseconds in 2^20 attoseconds.
    private static let millisecondsPerUnit = Double(1 << 20) / 1e15
}
