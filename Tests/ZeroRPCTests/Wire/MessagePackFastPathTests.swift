import Foundation
import Testing

@testable import ZeroRPC

/// What `build` writes, from a writer that starts with no room (so every write grows it).
func messagePackBytes(_ build: (inout MessagePackWriter) -> Void) -> [UInt8] {
    var writer = MessagePackWriter(reservingCapacity: 0)
    build(&writer)
    return writer.bytes
}

/// The inline fast paths of the reader and writer (issue 19's codec work) against their
/// general paths: fixstr, fixint, float64, fixarray and fixmap reads take a shortcut with
/// its own bounds check, short ASCII strings skip UTF-8 validation, and string writes
/// read a string's UTF-8 in place. Each test walks the edges where a shortcut hands over to the
/// general path, and checks that both agree on values, errors and the reader's position.
@Suite struct MessagePackFastPathTests {
    private func encoded(_ build: (inout MessagePackWriter) -> Void) -> [UInt8] {
        messagePackBytes(build)
    }

    /// A str of `utf8` with its header, exactly as on the wire.
    private func str(_ utf8: [UInt8]) -> [UInt8] {
        var writer = MessagePackWriter(reservingCapacity: 0)
        writer.writeStringHeader(utf8.count)
        return writer.bytes + utf8
    }

    @Test(arguments: 0...40)
    func asciiStringsOfEveryShortLengthRoundTrip(length: Int) throws {
        let text = String((0..<length).map { Character(Unicode.Scalar(UInt8(0x21 + $0 % 90))) })
        var reader = MessagePackReader(bytes: encoded { $0.write(text) } + encoded { $0.write(Int64(7)) })
        #expect(try reader.readString() == text)
        #expect(try reader.readInt64() == 7, "the string consumed exactly its bytes")
        #expect(reader.isAtEnd)
    }

    /// A byte ≥ 0x80 anywhere in a short string sends it to validation: valid UTF-8 is
    /// kept exactly, invalid UTF-8 is refused and consumes nothing.
    @Test(arguments: 1...16)
    func aByteAbove0x7fAtAnyPositionIsValidated(length: Int) throws {
        for position in 0..<length {
            var valid = [UInt8](repeating: UInt8(ascii: "a"), count: length + 1)
            valid.replaceSubrange(position..<(position + 2), with: Array("é".utf8))
            var reader = MessagePackReader(bytes: str(valid))
            #expect(try reader.readString() == String(decoding: valid, as: UTF8.self))

            var invalid = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            invalid[position] = 0xff
            let wire = str(invalid)
            var refusing = MessagePackReader(bytes: wire)
            let error = try #require(throws: MessagePackDecodingError.self) { try refusing.readString() }
            #expect(error.description == "expected str, got str with invalid UTF-8")
            #expect(refusing.remainingCount == wire.count, "a refused string consumes nothing")
            #expect(try refusing.readBytes() == Data(invalid), "its bytes are still there to read otherwise")
        }
    }

    @Test func aTruncatedFixstrIsAnErrorThatConsumesNothing() throws {
        var reader = MessagePackReader(bytes: [0xa5, 0x61, 0x62])
        let error = try #require(throws: MessagePackDecodingError.self) { try reader.readString() }
        #expect(error.description == "expected str, got 5 bytes claimed, 2 left")
        #expect(reader.remainingCount == 3)
        #expect(throws: MessagePackDecodingError.self) { try reader.readStringKey() }
        #expect(reader.remainingCount == 3)
        var exact = MessagePackReader(bytes: [0xa2, 0x61, 0x62])
        #expect(try exact.readString() == "ab", "a fixstr that ends the message exactly is whole")
    }

    @Test func everyFixintReadsAsItsValue() throws {
        for marker in Array(UInt8(0x00)...0x7f) + Array(UInt8(0xe0)...0xff) {
            var reader = MessagePackReader(bytes: [marker])
            let value = try reader.readInt64()
            #expect(value == (marker < 0x80 ? Int64(marker) : Int64(marker) - 256))
            #expect(encoded { $0.write(value) } == [marker], "the writer packs it back into the same byte")
            var unsigned = MessagePackReader(bytes: [marker])
            if marker < 0x80 {
                #expect(try unsigned.readUInt64() == UInt64(marker))
            } else {
                #expect(throws: MessagePackDecodingError.self) { try unsigned.readUInt64() }
            }
        }
        var empty = MessagePackReader(bytes: [])
        let error = try #require(throws: MessagePackDecodingError.self) { try empty.readInt64() }
        #expect(error.description == "expected int, got end of data")
    }

    @Test func aFloat64NeedsAllEightBytes() throws {
        let whole = encoded { $0.write(-1.5) }
        #expect(whole.count == 9)
        var atTheEnd = MessagePackReader(bytes: whole)
        #expect(try atTheEnd.readDouble() == -1.5, "a float64 that ends the message exactly is whole")
        #expect(atTheEnd.isAtEnd)
        for cut in 1..<whole.count {
            var reader = MessagePackReader(bytes: Array(whole.prefix(cut)))
            let error = try #require(throws: MessagePackDecodingError.self) { try reader.readDouble() }
            #expect(error.description == "expected float, got end of data")
            #expect(reader.remainingCount == cut)
        }
        var others = MessagePackReader(bytes: encoded { $0.write(Float(0.25)) } + [0x05, 0xd0, 0x80])
        #expect(try others.readDouble() == 0.25)
        #expect(try others.readDouble() == 5)
        #expect(try others.readDouble() == -128)
    }

    @Test func fixHeadersAreBoundedByTheBytesLeftExactlyAsLongOnesAre() throws {
        var array = MessagePackReader(bytes: [0x93, 0xc0, 0xc0, 0xc0])
        #expect(try array.readArrayHeader() == 3)
        var shortArray = MessagePackReader(bytes: [0x93, 0xc0, 0xc0])
        let arrayError = try #require(throws: MessagePackDecodingError.self) { try shortArray.readArrayHeader() }
        #expect(
            arrayError.description
                == "expected array of at most 2 elements (the bytes left), got array header claiming 3")
        #expect(shortArray.remainingCount == 3)

        var map = MessagePackReader(bytes: [0x82, 0xc0, 0xc0, 0xc0, 0xc0])
        #expect(try map.readMapHeader() == 2)
        var shortMap = MessagePackReader(bytes: [0x82, 0xc0, 0xc0, 0xc0])
        let mapError = try #require(throws: MessagePackDecodingError.self) { try shortMap.readMapHeader() }
        #expect(mapError.description == "expected map of at most 1 pairs (the bytes left), got map header claiming 2")
        #expect(shortMap.remainingCount == 4)

        var empty = MessagePackReader(bytes: [0x90, 0x80])
        #expect(try empty.readArrayHeader() == 0)
        #expect(try empty.readMapHeader() == 0)
        #expect(empty.isAtEnd)
    }

    /// A value with references in it (a string too long to be inline, an array), so an
    /// element that were copied or disturbed while encoding would show.
    struct Entry: MessagePackCodable, Equatable {
        var name: String
        var tags: [String]

        func encode(to writer: inout MessagePackWriter) {
            writer.writeArrayHeader(2)
            writer.write(name)
            writer.write(tags)
        }

        init(name: String, tags: [String]) {
            self.name = name
            self.tags = tags
        }

        init(from reader: inout MessagePackReader) throws {
            guard try reader.readArrayHeader() == 2 else {
                throw MessagePackDecodingError(expected: "2 fields", found: "other")
            }
            name = try reader.readString()
            tags = try reader.read([String].self)
        }
    }

    @Test(arguments: [0, 1, 2, 17, 1_000])
    func arraysOfStructsEncodeAsTheirElementsOneByOneAndStayUnchanged(count: Int) throws {
        let entries = (0..<count).map { Entry(name: "entry number \($0) of many", tags: ["t\($0)", "tag"]) }
        let shared = entries  // the same storage, referenced twice
        let wire = encoded { $0.write(entries) }
        #expect(shared == entries)
        #expect(entries.allSatisfy { $0.tags.count == 2 })
        let oneByOne = encoded { writer in
            writer.writeArrayHeader(entries.count)
            for entry in entries { entry.encode(to: &writer) }
        }
        #expect(wire == oneByOne)
        var reader = MessagePackReader(bytes: wire)
        #expect(try reader.read([Entry].self) == entries)
        #expect(reader.isAtEnd)
    }

    /// Encoding only reads the array: several tasks may encode one shared array at once
    /// (under `make test-tsan` an access that counts as a write, such as an `inout`
    /// borrow of each element, is reported here as a race).
    @Test func tasksEncodeOneSharedArrayAtOnce() async throws {
        let shared = (0..<300).map { Entry(name: "shared entry \($0), out of line", tags: ["t\($0)", "tag"]) }
        let expected = encoded { $0.write(shared) }
        let results = await withTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var last: [UInt8] = []
                    for _ in 0..<20 { last = messagePackBytes { $0.write(shared) } }
                    return last
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 4)
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test func stringsThatAreNotNativeAreWrittenToo() throws {
        // A Substring's String and a bridged NSString take the path that makes them native first.
        let fromSubstring = String("xxthe middle partxx".dropFirst(2).dropLast(2))
        let bridged = NSString(string: "bridged from Foundation, long enough to be stored out of line") as String
        var reader = MessagePackReader(
            bytes: encoded {
                $0.write(fromSubstring)
                $0.write(bridged)
            })
        #expect(try reader.readString() == "the middle part")
        #expect(try reader.readString() == bridged)
    }
}
