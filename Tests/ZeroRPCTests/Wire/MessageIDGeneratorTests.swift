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
}
