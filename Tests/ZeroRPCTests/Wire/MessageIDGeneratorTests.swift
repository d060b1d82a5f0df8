import Testing

@testable import ZeroRPC

@Suite struct MessageIDGeneratorTests {
    @Test func idsAre32HexDigitsAsBin8LikePython() {
        let id = MessageIDGenerator().next()
        #expect(id.count == 34)
        #expect(Array(id.prefix(2)) == [0xc4, 0x20])
        #expect(id.dropFirst(2).allSatisfy { Array("0123456789abcdef".utf8).contains($0) })
    }

    @Test func successiveIDsDifferOnlyInTheCounter() {
        let generator = MessageIDGenerator()
        let ids = (0..<1000).map { _ in generator.next() }
        #expect(Set(ids).count == 1000)
        #expect(Set(ids.map { $0.suffix(24) }).count == 1)
    }

    /// A process that sends more than 2^32 messages must not die: the counter wraps
    /// (it used to trap with "arithmetic overflow" on the message after `UInt32.max`).
    @Test func theCounterWrapsInsteadOfTrapping() {
        let generator = MessageIDGenerator(start: .max - 1)
        let ids = (0..<4).map { _ in String(decoding: generator.next()[2..<10], as: UTF8.self) }
        #expect(ids == ["ffffffff", "00000000", "00000001", "00000002"])
    }
}

/// `WireID` hashes our own ids by their counter digits (`_rawHashValue(seed:)`).
@Suite struct WireIDHashTests {
    @Test func equalIDsHashEquallyAndCountersApart() {
        let generator = MessageIDGenerator(start: 41)
        let ids = (0..<10_000).map { _ in generator.next() }
        let hashes = Set(ids.map { WireID($0)._rawHashValue(seed: 7) })
        #expect(hashes.count == ids.count, "consecutive counters must not collide")
        // Equal bytes from a different array (a received response_to) hash the same.
        let copy = Array(ids[123])
        #expect(WireID(copy)._rawHashValue(seed: 7) == WireID(ids[123])._rawHashValue(seed: 7))
        #expect(WireID(copy) == WireID(ids[123]))
    }

    @Test func aTableFindsEveryIDAndNoForeignOne() {
        let generator = MessageIDGenerator()
        let ids = (0..<5_000).map { _ in generator.next() }
        var table: [WireID: Int] = [:]
        for (index, id) in ids.enumerated() { table[WireID(id)] = index }
        for (index, id) in ids.enumerated() { #expect(table[WireID(Array(id))] == index) }
        // Same counter digits, other base: a different id (hashes alike, compares unequal).
        var foreign = ids[9]
        foreign[33] = foreign[33] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        #expect(table[WireID(foreign)] == nil)
        // Short keys (no counter to read) still work.
        table[WireID([0xc4, 0x01, 0x41])] = -1
        #expect(table[WireID([0xc4, 0x01, 0x41])] == -1)
    }
}
