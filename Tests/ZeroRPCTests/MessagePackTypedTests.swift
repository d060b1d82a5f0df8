import Foundation
import Testing

@testable import ZeroRPC

/// The typed fast path the generated code calls.
@Suite struct MessagePackTypedTests {
    private func bytes(_ build: (inout MessagePackWriter) -> Void) -> [UInt8] {
        messagePackBytes(build)
    }

    @Test func intReadsEveryFormatThatFits() throws {
        for value: Int64 in [0, 1, 127, 128, 300, 70_000, 1 << 40, .max, -1, -33, -200, -40_000, .min] {
            var reader = MessagePackReader(bytes: bytes { $0.write(value) })
            #expect(try reader.readInt64() == value)
            #expect(reader.isAtEnd)
        }
        var fromUnsigned = MessagePackReader(bytes: bytes { $0.write(UInt64(5)) })
        #expect(try fromUnsigned.readInt64() == 5)
    }

    @Test func intAboveInt64MaxIsAnErrorThatConsumesNothing() throws {
        var reader = MessagePackReader(bytes: bytes { $0.write(UInt64.max) })
        let error = try #require(throws: MessagePackDecodingError.self) { try reader.readInt64() }
        #expect(error.description == "expected int, got uint 18446744073709551615, above Int64.max")
        #expect(try reader.readUInt64() == .max)
    }

    @Test func uintRejectsNegatives() throws {
        var reader = MessagePackReader(bytes: bytes { $0.write(Int64(-3)) })
        let error = try #require(throws: MessagePackDecodingError.self) { try reader.readUInt64() }
        #expect(error.description == "expected uint, got int -3, below zero")
    }

    @Test func doubleAcceptsIntsAndFloat32() throws {
        var reader = MessagePackReader(
            bytes: bytes {
                $0.write(Int64(-7))
                $0.write(Float(0.5))
                $0.write(2.25)
                $0.write(UInt64.max)
            })
        #expect(try reader.readDouble() == -7)
        #expect(try reader.readDouble() == 0.5)
        #expect(try reader.readDouble() == 2.25)
        #expect(try reader.readDouble() == 18_446_744_073_709_551_615.0)
    }

    @Test func floatAcceptsFloat64InRangeOnly() throws {
        var reader = MessagePackReader(
            bytes: bytes {
                $0.write(1.5)
                $0.write(Double.infinity)
                $0.write(1e300)
            })
        #expect(try reader.readFloat() == 1.5)
        #expect(try reader.readFloat() == .infinity)
        let error = try #require(throws: MessagePackDecodingError.self) { try reader.readFloat() }
        #expect(error.expected == "float32")
        #expect(!reader.isAtEnd)
    }

    @Test func wrongTypeNamesBothSides() throws {
        var reader = MessagePackReader(bytes: bytes { $0.write("seven") })
        let error = try #require(throws: MessagePackDecodingError.self) { try reader.readInt64() }
        #expect(error.description == "expected int, got str")
        #expect(try reader.readString() == "seven")
    }

    @Test func errorsCarryTheirPath() throws {
        var reader = MessagePackReader(
            bytes: bytes {
                $0.writeArrayHeader(2)
                $0.write(Int64(1))
                $0.writeArrayHeader(1)
                $0.writeMapHeader(1)
                $0.write("x")
                $0.write("not a number")
            })
        struct Point: MessagePackDecodable {
            var x: Double
            init(from reader: inout MessagePackReader) throws {
                _ = try reader.readMapHeader()
                _ = try reader.readString()
                x = try reader.decode(at: "x") { try $0.readDouble() }
            }
        }
        #expect(try reader.readArrayHeader() == 2)
        #expect(try reader.decode(at: "args[0]") { try $0.readInt64() } == 1)
        let error = try #require(throws: MessagePackDecodingError.self) {
            try reader.decode(at: "args[1]") { try [Point](from: &$0) }
        }
        #expect(error.description == "expected float at args[1][0].x, got str")
    }

    @Test func stringsAndBytes() throws {
        let long = String(repeating: "é", count: 40_000)
        var reader = MessagePackReader(
            bytes: bytes {
                $0.write("")
                $0.write(long)
                $0.write(Data([0, 1, 2]))
                $0.write("as bytes")
            })
        #expect(try reader.readString() == "")
        #expect(try reader.readString() == long)
        #expect(try reader.readBytes() == Data([0, 1, 2]))
        #expect(try reader.readBytes() == Data("as bytes".utf8))
    }

    @Test func timestampsInAllThreeSizes() throws {
        let values = [
            Timestamp(seconds: 1),
            Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_789),
            Timestamp(seconds: -1, nanoseconds: 999_999_999),
            Timestamp(seconds: 1 << 40, nanoseconds: 5),
        ]
        let encoded = bytes { writer in values.forEach { writer.write($0) } }
        #expect(encoded.count == 6 + 10 + 15 + 15)
        var reader = MessagePackReader(bytes: encoded)
        for value in values { #expect(try reader.readTimestamp() == value) }
    }

    @Test func timestampRejectsOtherExtensionsAndBadNanoseconds() throws {
        var other = MessagePackReader(bytes: bytes { $0.writeExtension(type: 7, data: Data([1, 2, 3, 4])) })
        let error = try #require(throws: MessagePackDecodingError.self) { try other.readTimestamp() }
        #expect(error.found == "ext type 7")
        let badNanos: [UInt8] = [0xd7, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1]  // fixext8, nanoseconds 2^30 - 1
        var bad = MessagePackReader(bytes: badNanos)
        #expect(throws: MessagePackDecodingError.self) { try bad.readTimestamp() }
    }

    @Test func timestampConvertsToAndFromDate() {
        let timestamp = Timestamp(Date(timeIntervalSince1970: 1.25))
        #expect(timestamp == Timestamp(seconds: 1, nanoseconds: 250_000_000))
        #expect(timestamp.date == Date(timeIntervalSince1970: 1.25))
        #expect(Timestamp(Date(timeIntervalSince1970: -0.5)) == Timestamp(seconds: -1, nanoseconds: 500_000_000))
    }

    @Test func containersOfCodableTypes() throws {
        let numbers: [Int64?] = [1, nil, 3]
        let table: [String: [Double]] = ["a": [1.5], "b": []]
        var reader = MessagePackReader(
            bytes: bytes {
                $0.write(numbers)
                $0.write(table)
            })
        #expect(try reader.read([Int64?].self) == numbers)
        #expect(try reader.read([String: [Double]].self) == table)
    }

    @Test func intMapKeysGoOutAsStringsAndComeBackFromEither() throws {
        let encoded = bytes { $0.write([Int64(7): "seven"]) }
        #expect(encoded == [0x81, 0xa1, 0x37, 0xa5] + Array("seven".utf8))
        var fromInts = MessagePackReader(
            bytes: bytes {
                $0.writeMapHeader(1)
                $0.write(Int64(9))
                $0.write("nine")
            })
        #expect(try fromInts.read([Int64: String].self) == [9: "nine"])
        var badKey = MessagePackReader(
            bytes: bytes {
                $0.writeMapHeader(1)
                $0.write("x")
                $0.write("nine")
            })
        let error = try #require(throws: MessagePackDecodingError.self) { try badKey.read([Int64: String].self) }
        #expect(error.description == "expected map key of type Int64, got \"x\"")
    }

    @Test func skipValueStepsOverNestedValues() throws {
        var reader = MessagePackReader(
            bytes: bytes {
                $0.write(["a": [[1, 2], [:]], "b": [nil, .timestamp(.init(seconds: 3))]] as MessagePackValue)
                $0.write(Int64(42))
            })
        try reader.skipValue()
        #expect(try reader.readInt64() == 42)
    }

    /// `skipValue` keeps the first 64 open containers on the stack and deeper ones in an
    /// array: each depth around that boundary, up to the limit, must end exactly where the
    /// value ends, with siblings after the nested part still skipped.
    @Test(arguments: [1, 2, 63, 64, 65, 66, 200, MessagePackReader.maximumDepth])
    func skipValueEndsWhereTheValueEndsAtEveryDepth(_ depth: Int) throws {
        // depth × [x, <inner>, "tail"] around nil, then a sentinel int.
        var nested: [UInt8] = [0xc0]
        for level in 0..<depth {
            nested = [0x93, 0x01] + nested + [0xa1, UInt8(ascii: "a") + UInt8(level % 26)]
        }
        var reader = MessagePackReader(bytes: nested + [0x2a])
        try reader.skipValue()
        #expect(reader.position == nested.count)
        #expect(try reader.readInt64() == 42)
    }

    @Test func skipValueRefusesOneLevelTooDeepAndConsumesNothing() throws {
        let tooDeep = [UInt8](repeating: 0x91, count: MessagePackReader.maximumDepth + 1) + [0xc0]
        var reader = MessagePackReader(bytes: tooDeep)
        let error = try #require(throws: MessagePackDecodingError.self) { try reader.skipValue() }
        #expect(error.found == "deeper nesting")
        #expect(reader.position == 0)
    }

    @Test func nestingDeeperThanTheLimitIsRefused() throws {
        let depth = MessagePackReader.maximumDepth + 10
        let deep = [UInt8](repeating: 0x91, count: depth) + [0xc0]
        var reader = MessagePackReader(bytes: deep)
        let error = try #require(throws: MessagePackDecodingError.self) { try MessagePackValue(from: &reader) }
        #expect(error.found == "deeper nesting")
        #expect(throws: MessagePackDecodingError.self) { try reader.skipValue() }

        let shallow = [UInt8](repeating: 0x91, count: 100) + [0xc0]
        var fine = MessagePackReader(bytes: shallow)
        _ = try MessagePackValue(from: &fine)
        #expect(fine.isAtEnd)
    }

    @Test func headersMayNotClaimMoreThanTheBytesLeft() throws {
        var reader = MessagePackReader(bytes: [0xdf, 0x00, 0x01, 0x00, 0x00, 0xc0, 0xc0])
        let error = try #require(throws: MessagePackDecodingError.self) { try reader.readMapHeader() }
        #expect(error.description == "expected map of at most 1 pairs (the bytes left), got map header claiming 65536")
    }

    @Test func theBufferDoublesForSmallWritesAndFitsOneLargeWriteExactly() {
        var writer = MessagePackWriter(reservingCapacity: 16)
        for index in 0..<100 { writer.write(Int64(index)) }
        #expect(writer.capacity == 128, "100 one-byte writes double the buffer: 16, 32, 64, 128")
        let large = [UInt8](repeating: 7, count: 100_000)
        large.withUnsafeBytes { writer.writeBinary($0) }
        // Doubling up to it would have made 131,072 bytes; one large write gets what it needs.
        #expect(writer.capacity == writer.count)
        #expect(writer.bytes.suffix(large.count) == large[...])
    }

    @Test func keysFromStaticLiteralsAreOrdinaryStrs() throws {
        let long = "a key of forty bytes, past the fixstr 31"
        let written = bytes { writer in
            writer.writeKey("k")
            writer.writeKey("")
            writer.writeKey("clé")
            writer.writeKey("a key of forty bytes, past the fixstr 31")
        }
        #expect(
            written
                == bytes { writer in
                    writer.write("k")
                    writer.write("")
                    writer.write("clé")
                    writer.write(long)
                })
        #expect(written.prefix(3) == [0xa1, 0x6b, 0xa0])
        #expect(written.contains(0xd9), "a 40-byte key takes the str8 header")
    }

    @Test func arraysOfUnevenElementsEncodeWhateverTheFirstElementsSize() throws {
        let strings = [""] + (0..<300).map { String(repeating: "x", count: $0) }
        var reader = MessagePackReader(bytes: bytes { $0.write(strings) })
        #expect(try reader.read([String].self) == strings)
        let big = [String(repeating: "y", count: 100_000), "", "z"]
        var bigReader = MessagePackReader(bytes: bytes { $0.write(big) })
        #expect(try bigReader.read([String].self) == big)
    }

    @Test func valueAccessorsAndConversions() throws {
        let value: MessagePackValue = ["name": "calc", "args": [1, 2.5, nil], "big": .uint(.max)]
        #expect(value["name"]?.stringValue == "calc")
        #expect(value["args"]?[0]?.int64Value == 1)
        #expect(value["args"]?[1]?.doubleValue == 2.5)
        #expect(value["args"]?[2]?.isNil == true)
        #expect(value["big"]?.int64Value == nil)
        #expect(value["missing"] == nil)
        #expect(value.description == #"{"name": "calc", "args": [1, 2.5, nil], "big": 18446744073709551615}"#)
        #expect(try MessagePackValue(encoding: [Int64(1), 2]) == [1, 2])
        #expect(try MessagePackValue.array([1, 2]).decoded(as: [Int64].self) == [1, 2])
    }
}
