import Testing

@testable import ZeroRPC

/// `skipValueRange` reads a scalar's size from its marker, and adds up the sizes of a
/// container of scalars, instead of walking them; it must agree with the general
/// `skipValue` on every marker and container, whole or cut short.
@Suite struct SkipValueRangeTests {
    /// One value of every marker family, plus containers (the general path).
    static let values: [[UInt8]] = [
        [0x00], [0x7f], [0xe0], [0xff], [0xc0], [0xc2], [0xc3], [0x80], [0x90],
        [0xa0], [0xa3, 0x61, 0x62, 0x63], [0xbf] + Array(repeating: 0x61, count: 31),
        [0xcc, 0x01], [0xd0, 0x01], [0xcd, 0x01, 0x02], [0xd1, 0x01, 0x02],
        [0xce, 1, 2, 3, 4], [0xd2, 1, 2, 3, 4], [0xca, 1, 2, 3, 4],
        [0xcf, 1, 2, 3, 4, 5, 6, 7, 8], [0xd3, 1, 2, 3, 4, 5, 6, 7, 8], [0xcb, 1, 2, 3, 4, 5, 6, 7, 8],
        [0xc4, 0x00], [0xc4, 0x02, 0x01, 0x02], [0xd9, 0x01, 0x61],
        [0x91, 0x01], [0x81, 0xa1, 0x61, 0x02], [0xc5, 0x00, 0x01, 0x09], [0xda, 0x00, 0x01, 0x61],
        [0xd4, 0x01, 0x02], [0xc1],
        // Containers of scalars only (added up without the walk), and ones that need it.
        [0x92, 0x01, 0x02], [0x92, 0xcd, 0x01, 0x02, 0xa2, 0x61, 0x62],
        [0x93, 0xc0, 0xc3, 0xcb, 1, 2, 3, 4, 5, 6, 7, 8],
        [0xdc, 0x00, 0x02, 0x01, 0x02], [0x82, 0xa1, 0x61, 0x01, 0xa1, 0x62, 0x02], [0x92, 0x01, 0xc1],
        [0x92, 0x01, 0x91, 0x02], [0x92, 0x91, 0x01, 0x02], [0x93, 0x01, 0x81, 0xa1, 0x61, 0x90, 0x03],
    ]

    @Test func agreesWithTheGeneralWalkOnWholeAndTruncatedValues() {
        for value in Self.values {
            for cut in 0...value.count {
                // A value cut short, then the same followed by more bytes.
                for bytes in [Array(value[..<cut]), Array(value[..<cut]) + [0x01, 0x02]] {
                    var fast = MessagePackReader(bytes: bytes)
                    var general = MessagePackReader(bytes: bytes)
                    let range = fast.skipValueRange()
                    let expected: Range<Int>? = (try? general.skipValue()).map { 0..<general.position }
                    #expect(range == expected, "\(bytes)")
                    #expect(fast.position == (expected?.upperBound ?? 0), "\(bytes)")
                }
            }
        }
    }
}
