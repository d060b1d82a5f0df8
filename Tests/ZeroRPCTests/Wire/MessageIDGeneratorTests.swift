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
