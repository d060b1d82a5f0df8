import Foundation
import Testing
import ZeroRPC
import ZeroRPCTestSupport

/// `Schemas/keys.rpc`: generated decoders match map keys and enum cases as bytes. Names
/// that are prefixes of one another, repeated, unknown, non-str or not UTF-8 must each
/// take the right path, and no bytes at all may make a decoder trap.
@Suite struct KeyMatchingTests {
    static let sample = Prefixes(i: 1, id: 22, identity: "ident", idx: 333, mode: .once)

    /// A map whose keys are given as raw msgpack bytes, each followed by its value.
    private func map(_ pairs: [([UInt8], MessagePackValue)]) -> [UInt8] {
        var writer = MessagePackWriter()
        writer.writeMapHeader(pairs.count)
        for (key, value) in pairs {
            key.withUnsafeBytes { writer.writeEncoded($0) }
            writer.write(value)
        }
        return writer.bytes
    }

    /// A str key, as msgpack bytes.
    private func str(_ text: String) -> [UInt8] { encoded(.string(text)) }

    private func decode<T: MessagePackDecodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        var reader = MessagePackReader(bytes: bytes)
        let value = try T(from: &reader)
        #expect(reader.isAtEnd, "the decoder must consume the whole value")
        return value
    }

    @Test func prefixKeysInAnyOrderReachTheirOwnFields() throws {
        let bytes = map([
            (str("identity"), .string("x")), (str("idx"), .int(3)), (str("mode"), .string("off")),
            (str("id"), .int(2)), (str("i"), .int(1)),
        ])
        #expect(try decode(Prefixes.self, bytes) == Prefixes(i: 1, id: 2, identity: "x", idx: 3, mode: .off))
        var writer = MessagePackWriter()
        Self.sample.encode(to: &writer)
        #expect(try decode(Prefixes.self, writer.bytes) == Self.sample)
    }

    @Test func unknownKeysAreSkippedEvenWhenTheyStartOrExtendAFieldName() throws {
        let bytes = map([
            (str(""), .int(0)), (str("I"), .int(9)), (str("ide"), .array([.int(1), .map([])])),
            (str("identityX"), .string("no")), (str("idxx"), .nil), (str("i"), .int(1)), (str("id"), .int(2)),
            (str("identity"), .string("yes")), (str("identit"), .bool(true)),
        ])
        #expect(try decode(Prefixes.self, bytes) == Prefixes(i: 1, id: 2, identity: "yes"))
    }

    @Test func aRepeatedKeyKeepsItsLastValue() throws {
        let bytes = map([
            (str("i"), .int(1)), (str("id"), .int(2)), (str("i"), .int(10)), (str("identity"), .string("a")),
            (str("identity"), .string("b")),
        ])
        #expect(try decode(Prefixes.self, bytes) == Prefixes(i: 10, id: 2, identity: "b"))
    }

    @Test func aKeyThatIsNotUTF8MatchesNothingAndIsSkipped() throws {
        // "id" followed by a lone continuation byte, and a truncated two-byte sequence.
        let bytes = map([
            ([0xa3, 0x69, 0x64, 0x80], .int(99)), ([0xa1, 0xc3], .int(98)), (str("i"), .int(1)),
            (str("id"), .int(2)), (str("identity"), .string("z")),
        ])
        #expect(try decode(Prefixes.self, bytes) == Prefixes(i: 1, id: 2, identity: "z"))
    }

    @Test func aKeyThatIsNotAStrIsAnErrorNotAMatch() throws {
        let intKey = map([(encoded(.int(1)), .int(1)), (str("id"), .int(2)), (str("identity"), .string("z"))])
        #expect(throws: MessagePackDecodingError(expected: "str", found: "int")) {
            try decode(Prefixes.self, intKey)
        }
        // The bytes of "id", but as bin: a different type, not the same key.
        let binaryKey = map([([0xc4, 0x02, 0x69, 0x64], .int(2))])
        #expect(throws: MessagePackDecodingError(expected: "str", found: "bin")) {
            try decode(Prefixes.self, binaryKey)
        }
    }

    @Test func aWrongValueTypeNamesTheFieldAndAMissingFieldIsNamed() throws {
        let wrongType = map([(str("i"), .int(1)), (str("id"), .string("two"))])
        #expect(throws: MessagePackDecodingError(expected: "int", found: "str", path: ["id"])) {
            try decode(Prefixes.self, wrongType)
        }
        let missing = map([(str("i"), .int(1)), (str("identity"), .string("x"))])
        #expect(throws: MessagePackDecodingError(expected: "map with key \"id\"", found: "map without it")) {
            try decode(Prefixes.self, missing)
        }
    }

    @Test func enumCasesMatchOnlyTheirExactBytes() throws {
        for value in Switch.allCases {
            #expect(try decode(Switch.self, encoded(.string(value.rawValue))) == value)
        }
        for text in ["o", "onc", "once ", "ON", ""] {
            #expect(
                throws: MessagePackDecodingError(
                    expected: "a case of Switch (on, off, once)", found: text.debugDescription)
            ) {
                try decode(Switch.self, encoded(.string(text)))
            }
        }
        #expect(
            throws: MessagePackDecodingError(expected: "a case of Switch (on, off, once)", found: "\"o\u{FFFD}\"")
        ) {
            try decode(Switch.self, [0xa2, 0x6f, 0xff])
        }
    }

    @Test func unionCasesMatchOnlyTheirExactBytes() throws {
        #expect(try decode(Choice.self, map([(str("a"), .int(5))])) == .a(5))
        #expect(try decode(Choice.self, map([(str("ab"), .string("x"))])) == .ab("x"))
        #expect(throws: MessagePackDecodingError(expected: "a case of Choice (a, ab)", found: "\"abc\"")) {
            try decode(Choice.self, map([(str("abc"), .int(5))]))
        }
        #expect(throws: MessagePackDecodingError(expected: "str", found: "int", path: ["ab"])) {
            try decode(Choice.self, map([(str("ab"), .int(5))]))
        }
    }

    /// Every truncation and many single-byte corruptions of a valid encoding: each either
    /// decodes or throws, and a throw leaves nothing half-read behind the next decode.
    @Test func corruptedBytesNeverTrap() throws {
        var writer = MessagePackWriter()
        [Self.sample, Prefixes(i: -1, id: .max, identity: String(repeating: "é", count: 40))].encode(to: &writer)
        let valid = writer.bytes
        for length in 0..<valid.count {
            #expect(throws: MessagePackDecodingError.self) { try decode([Prefixes].self, Array(valid[..<length])) }
        }
        var generator = SplitMix64(seed: 19)
        for _ in 0..<5_000 {
            var bytes = valid
            for _ in 0...(generator.next() % 3) {
                bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            var reader = MessagePackReader(bytes: bytes)
            _ = try? [Prefixes](from: &reader)
        }
    }

    @Test func headersClaimingMoreThanTheBytesAreRefused() throws {
        #expect(throws: MessagePackDecodingError.self) { try decode(Prefixes.self, [0xdf, 0xff, 0xff, 0xff, 0xff]) }
        #expect(throws: MessagePackDecodingError.self) {
            try decode(Prefixes.self, [0x81, 0xdb, 0xff, 0xff, 0xff, 0xff, 0x69])
        }
        #expect(throws: MessagePackDecodingError.self) {
            try decode([Prefixes].self, [0xdd, 0x7f, 0xff, 0xff, 0xff, 0x80])
        }
    }
}
