import Foundation

/// A point in time with nanosecond precision: the IDL's `timestamp`, msgpack ext type -1.
///
/// Kept apart from `Date` (a `Double`) so that nanoseconds survive a round trip.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z; negative before it.
    public var seconds: Int64
    /// 0 ..< 1_000_000_000, added to `seconds`.
    public var nanoseconds: UInt32

    public init(seconds: Int64, nanoseconds: UInt32 = 0) {
        self.seconds = seconds + Int64(nanoseconds / 1_000_000_000)
        self.nanoseconds = nanoseconds % 1_000_000_000
    }

    /// The timestamp nearest to `date` (a `Date` holds about microsecond precision).
    public init(_ date: Date) {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        var nanos = ((interval - whole) * 1e9).rounded()
        var seconds = Int64(whole)
        if nanos >= 1e9 {
            seconds += 1
            nanos -= 1e9
        }
        self.init(seconds: seconds, nanoseconds: UInt32(nanos))
    }

    /// The current time.
    public static var now: Timestamp { Timestamp(Date()) }

    public var date: Date {
        Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    public var description: String {
        let fraction = String(nanoseconds)
        let padded = String(repeating: "0", count: 9 - fraction.count) + fraction
        return "\(seconds).\(padded)s"
    }
}
