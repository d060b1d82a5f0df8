import Foundation

/// The wall clock a ``ResultStore`` measures time to live, leases and tombstones with.
///
/// Wall time rather than a monotonic clock, because a durable store shares instants
/// between processes through its file. Tests inject a clock they move by hand.
public struct ResultStoreClock: Sendable {
    private let read: @Sendable () -> Date

    /// A clock that reads `now()`.
    public init(now: @escaping @Sendable () -> Date) {
        read = now
    }

    /// The system's wall clock.
    public static let system = ResultStoreClock { Date() }

    /// The current instant.
    public func now() -> Date { read() }

    /// The current instant in whole milliseconds since 1970, as durable stores keep it.
    package func nowMilliseconds() -> Int64 {
        Int64((read().timeIntervalSince1970 * 1000).rounded(.down))
    }
}

extension Duration {
    /// Whole milliseconds, saturating; negative durations count as zero.
    package var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return .max }
        return milliseconds.saturatingAdd(attoseconds / 1_000_000_000_000_000)
    }

    /// The duration in seconds as a `TimeInterval`.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

extension Int64 {
    /// `self + other`, stopping at the bounds instead of trapping.
    package func saturatingAdd(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }
}

extension Optional where Wrapped == Double {
    /// Progress as a store keeps it: clamped to `0...1`, NaN dropped.
    package var clampedProgress: Double? {
        guard let value = self, !value.isNaN else { return nil }
        return min(max(value, 0), 1)
    }
}
