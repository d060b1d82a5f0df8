import Foundation
import ZeroRPC

/// What both interop directions agree on: the server name, add's docstring, the
/// heartbeat period, and the values `echo` must return unchanged.
enum InteropFixture {
    static let serverName = "interop"
    static let addDoc = "Add two numbers and return the sum."
    static let requiredMethods: Set<String> = ["add", "echo", "fail", "slow", "notify", "notified"]

    /// Short, so the slow call can outlive several periods quickly; both ends use it.
    static let heartbeat: Duration = .seconds(1)

    /// A slow call that lasts longer than the ~3 periods after which a peer that never
    /// heartbeats is declared lost: it only succeeds if both ends really heartbeat.
    static let slowCallSeconds = 4.0

    /// (name, value sent, value expected back). Integers are given in the form the
    /// runtime decodes them to (`.int` unless above `Int64.max`); a float32 comes back
    /// as float64 because Python has no float32. Built on each use rather than kept in a
    /// static: LeakSanitizer cannot follow `Data` inside enum payloads and would report
    /// a static's values as leaked at exit.
    static func echoCases() -> [(name: String, sent: MessagePackValue, expected: MessagePackValue)] {
        var cases: [(String, MessagePackValue, MessagePackValue)] = []
        func same(_ name: String, _ value: MessagePackValue) { cases.append((name, value, value)) }
        same("nil", .nil)
        same("true", .bool(true))
        same("false", .bool(false))
        same("int_zero", .int(0))
        same("int_pos_fixint_max", .int(127))
        same("int_neg_fixint_min", .int(-32))
        same("uint8_max", .int(255))
        same("uint16_max", .int(65535))
        same("uint32_max", .int(4_294_967_295))
        same("int64_max", .int(.max))
        same("uint64_max", .uint(.max))
        same("int8_min", .int(-128))
        same("int16_min", .int(-32768))
        same("int32_min", .int(-2_147_483_648))
        same("int64_min", .int(.min))
        same("float64", .double(1.5))
        same("float64_tiny", .double(.leastNonzeroMagnitude))
        same("float64_neg_zero", .double(-0.0))
        same("float64_inf", .double(.infinity))
        same("float64_neg_inf", .double(-.infinity))
        same("float64_nan", .double(.nan))
        cases.append(("float32_as_float64", .float(0.25), .double(0.25)))
        same("str_empty", .string(""))
        same("str_utf8", .string("h\u{e9}llo \u{2713} \u{1F680}"))
        same("str_70k", .string(String(repeating: "z", count: 70_000)))
        same("bin_empty", .binary(Data()))
        same("bin_all_bytes", .binary(Data(0...255)))
        same("bin_70k", .binary(Data(repeating: 1, count: 70_000)))
        // Large bins with varied bytes, alone and two in one array: read in place, written
        // by reference (docs/ARCHITECTURE.md, "Large messages"); an offset off by one
        // would show.
        let varied = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
        same("bin_300k_varied", .binary(varied))
        same(
            "bins_two_large",
            .array([.binary(varied.prefix(40_000)), .string("between"), .binary(varied.suffix(50_000))]))
        same("array_empty", .array([]))
        same("array_70k", .array((0..<70_000).map { .int(Int64($0)) }))
        same("map_empty", .map([]))
        same(
            "map_20",
            .map((0..<20).map { .init(key: .string("k" + String(format: "%02d", $0)), value: .int(Int64($0))) }))
        same(
            "nested",
            [
                "list": [1, -1, 2.5, "s", .binary(Data([0x62])), nil, true, [], .map([])],
                "map": ["inner": ["deeper": [["k": [1, 2, 3]]]]],
                "bin_ext_ts": [
                    .binary(Data([0x00, 0xff])), .extension(type: 3, data: Data("x".utf8)),
                    .timestamp(Timestamp(seconds: 1, nanoseconds: 2)),
                ],
            ])
        same("ext_fixext1", .extension(type: 1, data: Data([1])))
        same("ext_fixext2", .extension(type: 0, data: Data([0, 1])))
        same("ext_fixext16", .extension(type: 16, data: Data(0..<16)))
        same("ext_empty", .extension(type: 7, data: Data()))
        same("ext_odd_size", .extension(type: 127, data: Data("abc".utf8)))
        same("timestamp32", .timestamp(Timestamp(seconds: 1_700_000_000, nanoseconds: 0)))
        same("timestamp64", .timestamp(Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_789)))
        same("timestamp96", .timestamp(Timestamp(seconds: -1, nanoseconds: 999_999_999)))
        return cases
    }
}

/// Equality that also tells -0.0 from 0.0 and NaN from everything but NaN
/// (`MessagePackValue ==` follows `Double ==`, where both differ).
func identical(_ a: MessagePackValue, _ b: MessagePackValue) -> Bool {
    switch (a, b) {
    case (.double(let x), .double(let y)):
        return x.isNaN ? y.isNaN : x.bitPattern == y.bitPattern
    case (.float(let x), .float(let y)):
        return x.isNaN ? y.isNaN : x.bitPattern == y.bitPattern
    case (.array(let xs), .array(let ys)):
        return xs.count == ys.count && zip(xs, ys).allSatisfy(identical)
    case (.map(let xs), .map(let ys)):
        return xs.count == ys.count
            && zip(xs, ys).allSatisfy { identical($0.key, $1.key) && identical($0.value, $1.value) }
    default:
        return a == b
    }
}

/// A value's description cut to a readable length for failure messages.
func brief(_ value: MessagePackValue, limit: Int = 160) -> String {
    let text = value.description
    return text.count <= limit ? text : text.prefix(limit) + "… (\(text.count) chars)"
}
