import Foundation
import Testing

@testable import ZeroRPC

/// The reader over memory it does not own (a received ZeroMQ message, later): it reads
/// the same as over its own array, keeps the owner alive exactly as long as it needs it,
/// and stays inside its bounds.
@Suite struct MessagePackReaderStorageTests {
    /// Bytes in `malloc`ed memory that `deinit` frees, as a ZeroMQ message object closes
    /// its `zmq_msg_t`; `released` tells when that happened.
    final class MallocedBytes: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
        let count: Int
        let released: ReleaseFlag

        init(_ bytes: [UInt8], released: ReleaseFlag) {
            count = bytes.count
            pointer = malloc(max(bytes.count, 1))
            pointer.copyMemory(from: bytes, byteCount: bytes.count)
            self.released = released
        }

        deinit {
            // Scribble over the bytes before freeing them, so a late read would see garbage.
            memset(pointer, 0xc1, count)
            free(pointer)
            released.set()
        }

        var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: pointer, count: count) }
    }

    final class ReleaseFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    private static let encoded: [UInt8] = {
        var writer = MessagePackWriter()
        writer.writeArrayHeader(7)
        writer.write(Int64(-5))
        writer.write("a string longer than fifteen bytes ✓")
        writer.write(Data([1, 2, 3]))
        writer.write(2.5)
        writer.write(Timestamp(seconds: 1_700_000_000, nanoseconds: 7))
        writer.write(["k": Int64(1)])
        ([9, 8, 7] as [UInt8]).withUnsafeBytes { writer.writeBinary($0) }
        return writer.bytes
    }()

    private func readAll(_ reader: inout MessagePackReader) throws -> [MessagePackValue] {
        var values: [MessagePackValue] = []
        for _ in 0..<(try reader.readArrayHeader()) { values.append(try reader.read(MessagePackValue.self)) }
        return values
    }

    private func makeReader(released: ReleaseFlag) -> MessagePackReader {
        let owner = MallocedBytes(Self.encoded, released: released)
        return MessagePackReader(unsafeBytes: owner.buffer, owner: owner)
    }

    @Test func readsTheSameAsOverItsOwnArray() throws {
        var owned = MessagePackReader(bytes: Self.encoded)
        let flag = ReleaseFlag()
        var borrowed = makeReader(released: flag)
        #expect(try readAll(&borrowed) == readAll(&owned))
        #expect(borrowed.isAtEnd)
    }

    @Test func keepsTheOwnerAliveWhileAnyCopyReads() throws {
        let flag = ReleaseFlag()
        var copy: MessagePackReader?
        do {
            let reader = makeReader(released: flag)
            copy = reader
        }
        #expect(!flag.isSet, "a copy of the reader still needs the memory")
        var reader = try #require(copy)
        #expect(try readAll(&reader).count == 7)
        copy = nil
        _ = consume reader
        #expect(flag.isSet, "the owner is released once no reader is left")
    }

    @Test func stringsBytesAndKeysComeOutOfUnownedMemory() throws {
        let flag = ReleaseFlag()
        var reader = makeReader(released: flag)
        #expect(try reader.readArrayHeader() == 7)
        #expect(try reader.readInt64() == -5)
        #expect(try reader.readString() == "a string longer than fifteen bytes ✓")
        #expect(try reader.readByteArray() == [1, 2, 3])
        #expect(try reader.readDouble() == 2.5)
        _ = try reader.readTimestamp()
        #expect(try reader.readMapHeader() == 1)
        let key = try reader.readStringKey()
        #expect(reader.key(key, is: "k") && !reader.key(key, is: "kk") && !reader.key(key, is: ""))
        #expect(reader.describe(key) == "\"k\"")
        try reader.skipValue()
        #expect(try reader.readBytes() == Data([9, 8, 7]))
        #expect(reader.isAtEnd)
    }

    @Test func everyTruncationOfUnownedMemoryIsAnErrorWithinBounds() throws {
        for length in 0..<Self.encoded.count {
            let flag = ReleaseFlag()
            let owner = MallocedBytes(Array(Self.encoded[..<length]), released: flag)
            var reader = MessagePackReader(unsafeBytes: owner.buffer, owner: owner)
            #expect(throws: MessagePackDecodingError.self) { try readAll(&reader) }
        }
    }

    @Test func anEmptyBufferReadsAsEndOfData() {
        let flag = ReleaseFlag()
        let owner = MallocedBytes([], released: flag)
        var reader = MessagePackReader(unsafeBytes: UnsafeRawBufferPointer(start: nil, count: 0), owner: owner)
        #expect(reader.isAtEnd)
        let readNil = reader.readNilIfPresent()
        #expect(!readNil)
        #expect(throws: MessagePackDecodingError(expected: "str", found: "end of data")) {
            try reader.readStringKey()
        }
    }
}
