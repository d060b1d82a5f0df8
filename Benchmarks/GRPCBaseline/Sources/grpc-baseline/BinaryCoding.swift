import GRPCCore

/// A message with a fixed little-endian binary form: the hand-written stand-in for
/// protobuf, so this baseline needs no code generator.
protocol BinaryMessage: Sendable {
    init(from reader: inout ByteReader) throws
    func encode(to writer: inout ByteWriter)
}

struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func write(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Double) {
        write(Int64(bitPattern: value.bitPattern))
    }

    mutating func write(_ value: Bool) {
        bytes.append(value ? 1 : 0)
    }

    mutating func write(_ value: String) {
        write(Int64(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }
}

struct ByteReader {
    private let buffer: UnsafeRawBufferPointer
    private var offset = 0

    init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
    }

    private mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, buffer.count - offset >= count else {
            throw RPCError(code: .invalidArgument, message: "message truncated at byte \(offset)")
        }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
    }

    mutating func readInt64() throws -> Int64 {
        Int64(littleEndian: try take(8).loadUnaligned(as: Int64.self))
    }

    mutating func readDouble() throws -> Double {
        Double(bitPattern: UInt64(bitPattern: try readInt64()))
    }

    mutating func readBool() throws -> Bool {
        try take(1)[0] != 0
    }

    mutating func readString() throws -> String {
        let length = try readInt64()
        guard length <= Int64(buffer.count) else {
            throw RPCError(code: .invalidArgument, message: "string length \(length) exceeds the message")
        }
        return String(decoding: try take(Int(length)), as: UTF8.self)
    }

    func invalid(_ what: String) -> RPCError {
        RPCError(code: .invalidArgument, message: "invalid \(what) at byte \(offset)")
    }

    func finish() throws {
        guard offset == buffer.count else {
            throw RPCError(code: .invalidArgument, message: "\(buffer.count - offset) trailing bytes")
        }
    }
}

struct BinarySerializer<Message: BinaryMessage>: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: Message) throws -> Bytes {
        var writer = ByteWriter()
        message.encode(to: &writer)
        return Bytes(writer.bytes)
    }
}

struct BinaryDeserializer<Message: BinaryMessage>: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Message {
        try serializedMessageBytes.withUnsafeBytes { buffer in
            var reader = ByteReader(buffer)
            let message = try Message(from: &reader)
            try reader.finish()
            return message
        }
    }
}
