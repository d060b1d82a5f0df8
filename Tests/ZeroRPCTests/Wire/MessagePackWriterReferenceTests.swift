import Foundation
import Testing

@testable import ZeroRPC

/// A `Data` of `MessagePackWriter.referencedThreshold` bytes or more is held by the
/// writer by reference and copied once, into the event that carries it. Every way of
/// reading a writer must give the same bytes as if it had been copied in at once.
@Suite struct MessagePackWriterReferenceTests {
    private static func blob(_ size: Int, seed: UInt8) -> Data {
        Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 37) ^ seed })
    }

    /// The same values written with every `bin` copied into the buffer.
    private static func copied(_ values: [Data], small: Int64) -> [UInt8] {
        var writer = MessagePackWriter()
        writer.writeArrayHeader(values.count + 1)
        for value in values { value.withUnsafeBytes { writer.writeBinary($0) } }
        writer.write(small)
        return writer.bytes
    }

    @Test func largeDataReadsBackTheSameWhicheverWayTheWriterIsRead() throws {
        let threshold = MessagePackWriter.referencedThreshold
        let values = [
            Self.blob(10, seed: 1), Self.blob(threshold, seed: 2), Self.blob(3, seed: 3),
            Self.blob(threshold * 3 + 1, seed: 4), Self.blob(threshold - 1, seed: 5),
        ]
        var writer = MessagePackWriter()
        writer.writeArrayHeader(values.count + 1)
        for value in values { writer.write(value) }
        writer.write(Int64(-7))
        #expect(writer.referencedCount == threshold * 4 + 1, "the two large values were copied into the buffer")

        let expected = Self.copied(values, small: -7)
        #expect(writer.count == expected.count)
        #expect(writer.bytes == expected)
        #expect(writer.withUnsafeBytes { Array($0) } == expected)
        var appended: [UInt8] = [0xaa]
        writer.append(to: &appended)
        #expect(appended == [0xaa] + expected)

        var reader = MessagePackReader(bytes: writer.bytes)
        #expect(try reader.readArrayHeader() == values.count + 1)
        for value in values { #expect(try reader.readBytes() == value) }
        #expect(try reader.readInt64() == -7)
    }

    @Test func anEventAndARequestCarryTheReferencedBytes() throws {
        let large = Self.blob(MessagePackWriter.referencedThreshold * 2, seed: 9)
        var writer = MessagePackWriter()
        writer.writeArrayHeader(2)
        writer.write(large)
        writer.write("tail")

        let event = try EventEnvelope(decoding: EventEncoder.encode(responseTo: nil, name: "OK", arguments: writer))
        #expect(Array(event.argumentBytes) == writer.bytes)
        var reader = event.argumentsReader()
        #expect(try reader.readArrayHeader() == 2)
        #expect(try reader.readBytes() == large)
        #expect(try reader.readString() == "tail")

        let request = EventEncoder.request("echo", header: [], arguments: writer)
        let sent = try EventEnvelope(decoding: request.payload)
        #expect(sent.name == "echo")
        #expect(Array(sent.argumentBytes) == writer.bytes)
        #expect(Array(request.messageID) == Array(sent.messageID))
    }

    @Test func anArrayOfLargeDataDoesNotReserveItsSizeInTheBuffer() {
        let element = Self.blob(MessagePackWriter.referencedThreshold * 8, seed: 1)
        var writer = MessagePackWriter()
        [element, element, element].encode(to: &writer)
        // Three headers in the buffer, the bodies by reference: the size estimate from the
        // first element must not have grown the buffer by the bodies' size.
        #expect(writer.capacity < 4096)
        #expect(writer.count == 1 + 3 * (5 + element.count))
        var reader = MessagePackReader(bytes: writer.bytes)
        #expect((try? [Data](from: &reader)) == [element, element, element])
    }

    @Test func aReusedWriterForgetsItsReferences() {
        var writer = MessagePackWriter()
        writer.write(Self.blob(MessagePackWriter.referencedThreshold, seed: 1))
        writer.removeAll()
        writer.write(Int64(1))
        #expect(writer.bytes == [0x01])
        #expect(writer.count == 1)
    }

    /// End to end: a server stream of large items (its outbox writes events back to back)
    /// and a large result, each arriving intact.
    @Test func largeStreamItemsAndResultsArriveIntact() async throws {
        let items = (0..<5).map { Self.blob(MessagePackWriter.referencedThreshold + $0 * 1000, seed: UInt8($0)) }
        let fixture = try ServerFixture(.tcp) { server in
            try server.register(BlobService(items: items))
        }
        let stream = try await fixture.client.blobs()
        var received: [Data] = []
        for try await item in stream { received.append(item) }
        #expect(received == items)
        #expect(try await fixture.client.call("last", []) == .binary(items[4]))
        await fixture.close()
    }
}

/// Streams `items`, and answers `last` with the last of them.
private struct BlobService: RegistrableService {
    let items: [Data]
    static var namespace: String? { nil }
    static var interfaceDefinition: String { "service Blobs { blobs() -> stream bytes\n last() -> bytes }" }
    var methods: [ServiceMethod] {
        let items = self.items
        return [
            .stream("blobs", parameters: [], doc: nil, element: Data.self) { arguments, stream, _ in
                try arguments.finish()
                for item in items { try await stream.write(item) }
            },
            .unary("last", parameters: [], doc: nil) { arguments, _ in
                try arguments.finish()
                return items[items.count - 1]
            },
        ]
    }
}

extension Client {
    fileprivate func blobs() async throws -> ResponseStream<Data> {
        try await stream(
            "blobs", options: .defaults, declaredErrors: [], arguments: { $0.writeArrayHeader(0) }, element: Data.self)
    }
}
