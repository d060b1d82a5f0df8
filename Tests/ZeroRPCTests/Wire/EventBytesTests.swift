import Foundation
import Testing

@testable import ZeroRPC

/// `EventBytes`, the cursor `EventEncoder` builds every outgoing event with: the same
/// msgpack as `MessagePackWriter` at each length boundary, and whole events that decode.
@Suite struct EventBytesTests {
    /// `body` run over a buffer of `capacity` bytes; what it wrote.
    private func written(capacity: Int, _ body: (inout EventBytes) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initializedCount in
            var out = EventBytes(start: buffer.baseAddress!, capacity: capacity)
            body(&out)
            initializedCount = out.count
        }
    }

    @Test(arguments: [0, 1, 31, 32, 255, 256, 65535, 65536])
    func aStringIsEncodedAsTheWriterEncodesIt(length: Int) {
        let text = String(repeating: "é", count: length / 2) + String(repeating: "x", count: length % 2)
        var writer = MessagePackWriter()
        writer.write(text)
        #expect(written(capacity: length + 5) { $0.writeString(text) } == writer.bytes)
    }

    @Test(arguments: [0, 15, 16, 65535, 65536])
    func aMapHeaderIsEncodedAsTheWriterEncodesIt(count: Int) {
        var writer = MessagePackWriter()
        writer.writeMapHeader(count)
        #expect(written(capacity: 5) { $0.writeMapHeader(count) } == writer.bytes)
    }

    @Test func piecesFollowEachOtherInOrder() {
        let bytes = written(capacity: 16) { out in
            out.write(0x01)
            out.write([0x02, 0x03])
            out.write([0x09, 0x04, 0x05][1...])
            out.write(contentsOf: (6...7).map(UInt8.init))
            out.write(contentsOf: Data([0x08]))
        }
        #expect(bytes == [1, 2, 3, 4, 5, 6, 7, 8])
    }

    @Test func aWriterWithLargeDataByReferenceIsWrittenWhole() throws {
        var writer = MessagePackWriter()
        writer.writeArrayHeader(3)
        writer.write(Int64(1))
        writer.write(Data(repeating: 0xab, count: 100_000))
        writer.write("end")
        let event = EventEncoder.encode(responseTo: nil, name: "echo", arguments: writer)
        let envelope = try EventEnvelope(decoding: event)
        #expect(envelope.name == "echo")
        #expect(Array(envelope.argumentBytes) == writer.bytes)
    }

    @Test func anEventWithEveryHeaderPartDecodes() throws {
        let responseTo = EventEncoder.request("x", header: [], arguments: [0x90]).messageID
        let event = EventEncoder.encode(
            responseTo: responseTo, extraHeader: [("k", [0x2a]), (String(repeating: "h", count: 40), [0xc3])],
            name: "OK", arguments: [0x91, 0x07])
        let envelope = try EventEnvelope(decoding: event)
        #expect(envelope.responseTo.map(Array.init) == Array(responseTo))
        #expect(envelope.headerFieldBytes("k").map(Array.init) == [0x2a])
        #expect(envelope.headerFieldBytes(String(repeating: "h", count: 40)).map(Array.init) == [0xc3])
        #expect(Array(envelope.argumentBytes) == [0x91, 0x07])
    }

    /// Events around `EventEncoder.stackEventLimit`: written on the stack below it, in
    /// place above it; the same bytes either way.
    @Test func eventsEitherSideOfTheStackLimitAreWhole() throws {
        let limit = EventEncoder.stackEventLimit
        for argumentsCount in (limit - 120)...(limit + 40) {
            // A bin16 of `argumentsCount` bytes in all, its header included.
            let dataCount = argumentsCount - 3
            var arguments: [UInt8] = [0xc5, UInt8(dataCount >> 8), UInt8(dataCount & 0xff)]
            arguments += (0..<(argumentsCount - arguments.count)).map { UInt8(truncatingIfNeeded: $0) }
            let (messageID, event) = EventEncoder.request("m", header: [("k", [0x01])], arguments: arguments)
            let envelope = try EventEnvelope(decoding: event)
            #expect(Array(envelope.argumentBytes) == arguments)
            #expect(envelope.messageID == messageID)
            #expect(envelope.headerFieldBytes("k").map(Array.init) == [0x01])
        }
    }

    @Test func aMiscountedEventTrapsInsteadOfWritingPastItsBuffer() async {
        await #expect(processExitsWith: .failure) {
            _ = [UInt8](unsafeUninitializedCapacity: 4) { buffer, initializedCount in
                var out = EventBytes(start: buffer.baseAddress!, capacity: 4)
                out.write([1, 2, 3, 4, 5])
                initializedCount = out.count
            }
        }
    }
}
