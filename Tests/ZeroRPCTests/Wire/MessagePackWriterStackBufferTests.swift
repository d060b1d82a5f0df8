import Testing

@testable import ZeroRPC

/// A writer that starts in a buffer on the stack (`withStackBuffer`, the client's request
/// arguments) writes the same bytes as one on the heap, whether it stays within that
/// buffer or outgrows it and moves to memory of its own.
@Suite struct MessagePackWriterStackBufferTests {
    /// `count` strings of growing length, written by `writer`.
    private static func write(_ count: Int, to writer: inout MessagePackWriter) {
        writer.writeArrayHeader(count)
        for index in 0..<count { writer.write(String(repeating: "x", count: index % 40) + "\(index)") }
    }

    private static func onTheHeap(_ count: Int) -> [UInt8] {
        var writer = MessagePackWriter()
        write(count, to: &writer)
        return writer.bytes
    }

    @Test(arguments: [0, 3, 40, 400])
    func aStackWriterWritesWhatAHeapWriterWrites(count: Int) {
        let expected = Self.onTheHeap(count)
        let (bytes, movedToHeap) = MessagePackWriter.withStackBuffer(capacity: 256) { writer in
            Self.write(count, to: &writer)
            return (writer.bytes, writer.ownsStorage)
        }
        #expect(bytes == expected)
        // Only what outgrew the 256 bytes moved; the rest never allocated a buffer.
        #expect(movedToHeap == (expected.count > 256), "\(expected.count) bytes")
    }

    @Test func aWriterThatOutgrewItsStackBufferKeepsEveryEarlierByte() throws {
        let tail = [UInt8](repeating: 0xab, count: 1000)
        let (bytes, moved) = MessagePackWriter.withStackBuffer(capacity: 64) { writer in
            writer.writeArrayHeader(3)
            writer.write("head")
            writer.write(Int64(-2))
            tail.withUnsafeBytes { writer.writeBinary($0) }
            return (writer.bytes, writer.ownsStorage)
        }
        #expect(moved)
        var reader = MessagePackReader(bytes: bytes)
        #expect(try reader.readArrayHeader() == 3)
        #expect(try reader.readString() == "head")
        #expect(try reader.readInt64() == -2)
        #expect(try [UInt8](reader.readBytes()) == tail)
        #expect(reader.isAtEnd)
    }

    @Test func aRequestFromAStackWriterDecodesToItsArguments() throws {
        let request = MessagePackWriter.withStackBuffer { writer in
            writer.writeArrayHeader(2)
            writer.write(Int64(40))
            writer.write(Int64(2))
            return EventEncoder.request("add", header: [], arguments: writer)
        }
        let event = try EventEnvelope(decoding: request.payload)
        #expect(event.name == "add")
        var reader = event.argumentsReader()
        #expect(try reader.readArrayHeader() == 2)
        #expect(try reader.readInt64() == 40)
        #expect(try reader.readInt64() == 2)
    }

    /// A writer lent from a stack buffer and kept past the call (swapped for another) would
    /// point into stack memory that is gone: the swap is caught when the call returns.
    @Test func aStackWriterKeptPastItsCallTraps() async {
        await #expect(processExitsWith: .failure) {
            var kept = MessagePackWriter()
            MessagePackWriter.withStackBuffer { writer in swap(&writer, &kept) }
            kept.writeNil()
        }
    }
}
