import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// `skipValue` finds a value's end from markers and lengths alone (`endOfValue`); the
/// typed readers' walk it replaced stays as the reference, and for error messages. Both
/// must agree on where every value ends and on which bytes are not a value at all.
@Suite struct SkipValueWalkTests {
    /// Skips with both walks from `position`; records a mismatch.
    private static func agree(_ bytes: [UInt8], from position: Int = 0, _ note: @autoclosure () -> String) {
        var reader = MessagePackReader(bytes: bytes)
        reader.position = position
        let fast = reader.endOfValue(at: position)
        var typed = reader
        let typedEnd: Int? = (try? typed.skipValueWithTypedReaders()).map { typed.position }
        #expect(fast == typedEnd, "\(note()): \(bytes)")
    }

    /// A random msgpack value of up to `depth` levels, every marker family included.
    private static func value(_ random: inout SplitMix64, depth: Int) -> [UInt8] {
        func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) } }
        func big(_ value: Int, _ width: Int) -> [UInt8] {
            (0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
        }
        let pick = Int.random(in: 0..<(depth > 0 ? 14 : 10), using: &random)
        switch pick {
        case 0: return [UInt8.random(in: 0x00...0x7f, using: &random)]
        case 1: return [[0xc0, 0xc2, 0xc3, 0xe0, 0xff].randomElement(using: &random) ?? 0xc0]
        case 2:
            let marker =
                [0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3, 0xca, 0xcb].randomElement(using: &random) ?? 0xcc
            let width = [0xcc: 1, 0xd0: 1, 0xcd: 2, 0xd1: 2, 0xce: 4, 0xd2: 4, 0xca: 4][marker] ?? 8
            return [UInt8(marker)] + bytes(width)
        case 3:
            let length = Int.random(in: 0...31, using: &random)
            return [0xa0 | UInt8(length)] + bytes(length)
        case 4:
            let length = Int.random(in: 0...300, using: &random)
            let (marker, width) = length < 256 ? ([0xd9, 0xc4].randomElement(using: &random) ?? 0xd9, 1) : (0xda, 2)
            return [UInt8(marker)] + big(length, width) + bytes(length)
        case 5:
            let length = Int.random(in: 0...20, using: &random)
            return [[0xc6, 0xdb].randomElement(using: &random) ?? 0xc6] + big(length, 4) + bytes(length)
        case 6:
            let sizes: [UInt8: Int] = [0xd4: 1, 0xd5: 2, 0xd6: 4, 0xd7: 8, 0xd8: 16]
            let marker = sizes.keys.randomElement(using: &random) ?? 0xd4
            return [marker] + bytes(1 + (sizes[marker] ?? 1))
        case 7:
            let length = Int.random(in: 0...20, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: return [0xc7] + big(length, 1) + bytes(1 + length)
            case 1: return [0xc8] + big(length, 2) + bytes(1 + length)
            default: return [0xc9] + big(length, 4) + bytes(1 + length)
            }
        case 8, 9: return [UInt8.random(in: 0x00...0x7f, using: &random)]
        default:
            let count = Int.random(in: 0...(pick == 13 ? 20 : 5), using: &random)
            let isMap = pick.isMultiple(of: 2)
            let elements = (0..<(isMap ? count * 2 : count)).flatMap { _ in value(&random, depth: depth - 1) }
            let header: [UInt8]
            switch (count, Int.random(in: 0..<3, using: &random)) {
            case (0...15, 0): header = [(isMap ? 0x80 : 0x90) | UInt8(count)]
            case (_, 1): header = [isMap ? 0xde : 0xdc] + big(count, 2)
            default: header = [isMap ? 0xdf : 0xdd] + big(count, 4)
            }
            return header + elements
        }
    }

    @Test func bothWalksAgreeOnRandomValuesWholeCutAndCorrupted() {
        var random = SplitMix64(seed: 19)
        for round in 0..<3_000 {
            let value = Self.value(&random, depth: 4)
            Self.agree(value, "round \(round), whole")
            Self.agree(value + [0x01, 0xc1], "round \(round), followed")
            Self.agree([0x00] + value, from: 1, "round \(round), at an offset")
            let cut = Int.random(in: 0..<value.count, using: &random)
            Self.agree(Array(value[..<cut]), "round \(round), cut at \(cut)")
            var corrupted = value
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                corrupted[Int.random(in: 0..<corrupted.count, using: &random)] = UInt8.random(
                    in: 0...255, using: &random)
            }
            Self.agree(corrupted, "round \(round), corrupted")
        }
    }

    @Test func bothRefuseNestingPastTheLimitAndAcceptItAtTheLimit() {
        let limit = MessagePackReader.maximumDepth
        for depth in [limit - 1, limit, limit + 1, limit + 70] {
            for innermost: [UInt8] in [[0x01], [0x90], [0x80]] {
                let nested = Array(repeating: UInt8(0x91), count: depth) + innermost
                Self.agree(nested, "depth \(depth), innermost \(innermost)")
            }
        }
        var reader = MessagePackReader(bytes: Array(repeating: 0x91, count: limit + 1) + [0x01])
        #expect(throws: MessagePackDecodingError.self) { try reader.skipValue() }
        #expect(reader.position == 0)
    }

    @Test func aValueClaimingMoreElementsThanBytesEndsAtTheBytes() {
        // An array32 that claims four billion elements: the walk stops at the end.
        Self.agree([0xdd, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02], "huge array")
        Self.agree([0xdf, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02], "huge map")
        Self.agree([0xc6, 0xff, 0xff, 0xff, 0xff, 0x01], "huge bin")
    }
}
