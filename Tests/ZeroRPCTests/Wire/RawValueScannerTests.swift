import Testing

@testable import ZeroRPC

@Suite struct RawValueScannerTests {
    @Test(arguments: [
        encoded(nil), encoded(true), encoded(-1), encoded(.uint(UInt64.max)), encoded(.int(Int64.min)),
        encoded(1.5), encoded(.float(2)), encoded("text"), encoded(.string(String(repeating: "x", count: 70_000))),
        encoded(.binary(.init(repeating: 1, count: 300))), encoded([1, [2, [3, ["k": "v"]]]]),
        encoded(.timestamp(.init(seconds: 1, nanoseconds: 2))), encoded(.extension(type: 5, data: .init([1, 2, 3]))),
    ])
    func skipsExactlyOneValue(_ bytes: [UInt8]) {
        var scanner = RawValueScanner(bytes + [0xc0])
        #expect(scanner.skipValue() == 0..<bytes.count)
    }

    @Test func refusesCountsTheBytesCannotHold() {
        var array = RawValueScanner([0xdd, 0xff, 0xff, 0xff, 0xff, 0x01])
        #expect(array.readArrayHeader() == nil)
        #expect(array.skipValue() == nil)
        #expect(array.position == 0)
        var map = RawValueScanner([0xdf, 0x00, 0x00, 0x00, 0x02, 0x01, 0x01, 0x01])
        #expect(map.readMapHeader() == nil)
        var nested = RawValueScanner([0x92, 0x91, 0x92, 0x01])
        #expect(nested.skipValue() == nil)
    }

    @Test func deepNestingNeedsNoStack() {
        let depth = 100_000
        var scanner = RawValueScanner(Array(repeating: 0x91, count: depth) + [0xc0])
        #expect(scanner.skipValue() == 0..<(depth + 1))
    }

    @Test func stringsMustBeValidUTF8() {
        var invalid = RawValueScanner([0xa2, 0xff, 0xfe])
        #expect(invalid.readString() == nil)
        #expect(invalid.position == 0)
        var valid = RawValueScanner(encoded("héllo"))
        #expect(valid.readString() == "héllo")
    }
}
