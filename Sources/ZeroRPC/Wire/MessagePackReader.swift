import Foundation

/// Decodes MessagePack from bytes it owns, one value at a time.
///
/// Every read is bounds-checked and a failed read leaves the reader where it was, so
/// callers may try another type. Array and map headers may not claim more elements than
/// there are bytes left, and nesting deeper than ``maximumDepth`` is refused, so a
/// hostile message costs no more memory than its own size.
public struct MessagePackReader: Sendable {
    /// Nesting allowed in dynamic values and in ``skipValue()``.
    public static let maximumDepth = 256

    @usableFromInline var bytes: [UInt8]
    @usableFromInline var position: Int

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        self.position = 0
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { position >= bytes.count }

    /// How many bytes are left to read.
    public var remainingCount: Int { bytes.count - position }

    /// The kind of the next value, without reading it.
    public func peekType() throws -> MessagePackType {
        let marker = try peekMarker(expected: "a value")
        guard let type = MessagePackType(marker: marker) else {
            throw MessagePackDecodingError(expected: "a value", found: "reserved byte 0xc1")
        }
        return type
    }

    /// Reads a nil if one comes next; otherwise reads nothing.
    public mutating func readNilIfPresent() -> Bool {
        guard position < bytes.count, bytes[position] == 0xc0 else { return false }
        position += 1
        return true
    }

    public mutating func readNil() throws {
        let marker = try peekMarker(expected: "nil")
        guard marker == 0xc0 else { throw mismatch(expected: "nil", marker: marker) }
        position += 1
    }

    public mutating func readBool() throws -> Bool {
        let marker = try peekMarker(expected: "bool")
        switch marker {
        case 0xc2: position += 1; return false
        case 0xc3: position += 1; return true
        default: throw mismatch(expected: "bool", marker: marker)
        }
    }

    /// Reads any msgpack integer that fits `Int64` (Python sends positive ints in the
    /// unsigned formats).
    public mutating func readInt64() throws -> Int64 {
        let start = position
        switch try readInteger(expected: "int") {
        case .signed(let value): return value
        case .unsigned(let value):
            guard let value = Int64(exactly: value) else {
                position = start
                throw MessagePackDecodingError(expected: "int", found: "uint \(value), above Int64.max")
            }
            return value
        }
    }

    /// Reads any msgpack integer that fits `UInt64`.
    public mutating func readUInt64() throws -> UInt64 {
        let start = position
        switch try readInteger(expected: "uint") {
        case .unsigned(let value): return value
        case .signed(let value):
            guard let value = UInt64(exactly: value) else {
                position = start
                throw MessagePackDecodingError(expected: "uint", found: "int \(value), below zero")
            }
            return value
        }
    }

    /// Reads a float64, a float32 or an integer as a `Double`.
    public mutating func readDouble() throws -> Double {
        let marker = try peekMarker(expected: "float")
        switch marker {
        case 0xcb: return Double(bitPattern: try readPayload(UInt64.self, expected: "float"))
        case 0xca: return Double(Float(bitPattern: try readPayload(UInt32.self, expected: "float")))
        default:
            guard MessagePackType(marker: marker) == .int else {
                throw mismatch(expected: "float", marker: marker)
            }
            switch try readInteger(expected: "float") {
            case .signed(let value): return Double(value)
            case .unsigned(let value): return Double(value)
            }
        }
    }

    /// Reads a float32, a float64 within `Float`'s range, or an integer as a `Float`.
    public mutating func readFloat() throws -> Float {
        let start = position
        let value = try readDouble()
        let narrowed = Float(value)
        guard narrowed.isFinite || !value.isFinite else {
            position = start
            throw MessagePackDecodingError(expected: "float32", found: "float \(value), out of range")
        }
        return narrowed
    }

    /// Reads a str; invalid UTF-8 is an error.
    public mutating func readString() throws -> String {
        let start = position
        let range = try readStringRange()
        let string = bytes.withUnsafeBufferPointer { buffer in
            String(validating: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
        }
        guard let string else {
            position = start
            throw MessagePackDecodingError(expected: "str", found: "str with invalid UTF-8")
        }
        return string
    }

    /// Reads a bin (or a str's raw bytes, as some peers send bytes as str).
    public mutating func readBytes() throws -> Data {
        let marker = try peekMarker(expected: "bin")
        let range: Range<Int>
        switch marker {
        case 0xc4: range = try readBody(lengthOf: UInt8.self, expected: "bin")
        case 0xc5: range = try readBody(lengthOf: UInt16.self, expected: "bin")
        case 0xc6: range = try readBody(lengthOf: UInt32.self, expected: "bin")
        case 0xa0...0xbf, 0xd9...0xdb: range = try readStringRange()
        default: throw mismatch(expected: "bin", marker: marker)
        }
        return bytes.withUnsafeBufferPointer { Data(buffer: UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Reads msgpack's timestamp extension (type -1) in any of its three sizes.
    public mutating func readTimestamp() throws -> Timestamp {
        let start = position
        let (type, range) = try readExtensionRange(expected: "timestamp")
        guard type == -1 else {
            position = start
            throw MessagePackDecodingError(expected: "timestamp", found: "ext type \(type)")
        }
        switch range.count {
        case 4:
            return Timestamp(seconds: Int64(load(UInt32.self, at: range.lowerBound)))
        case 8:
            let packed = load(UInt64.self, at: range.lowerBound)
            let nanoseconds = UInt32(truncatingIfNeeded: packed >> 34)
            if nanoseconds < 1_000_000_000 {
                return Timestamp(seconds: Int64(packed & 0x3_ffff_ffff), nanoseconds: nanoseconds)
            }
        case 12:
            let nanoseconds = load(UInt32.self, at: range.lowerBound)
            if nanoseconds < 1_000_000_000 {
                let seconds = Int64(bitPattern: load(UInt64.self, at: range.lowerBound + 4))
                return Timestamp(seconds: seconds, nanoseconds: nanoseconds)
            }
        default:
            break
        }
        position = start
        throw MessagePackDecodingError(
            expected: "timestamp", found: "timestamp ext of \(range.count) bytes or nanoseconds over 1e9")
    }

    /// Reads an array header; the elements follow.
    public mutating func readArrayHeader() throws -> Int {
        let marker = try peekMarker(expected: "array")
        let start = position
        let count: Int
        switch marker {
        case 0x90...0x9f: position += 1; count = Int(marker & 0x0f)
        case 0xdc: count = Int(try readPayload(UInt16.self, expected: "array"))
        case 0xdd: count = Int(try readPayload(UInt32.self, expected: "array"))
        default: throw mismatch(expected: "array", marker: marker)
        }
        let left = remainingCount
        guard count <= left else {
            position = start
            throw MessagePackDecodingError(
                expected: "array of at most \(left) elements (the bytes left)",
                found: "array header claiming \(count)")
        }
        return count
    }

    /// Reads a map header; `count` key-value pairs follow.
    public mutating func readMapHeader() throws -> Int {
        let marker = try peekMarker(expected: "map")
        let start = position
        let count: Int
        switch marker {
        case 0x80...0x8f: position += 1; count = Int(marker & 0x0f)
        case 0xde: count = Int(try readPayload(UInt16.self, expected: "map"))
        case 0xdf: count = Int(try readPayload(UInt32.self, expected: "map"))
        default: throw mismatch(expected: "map", marker: marker)
        }
        let left = remainingCount / 2
        guard count <= left else {
            position = start
            throw MessagePackDecodingError(
                expected: "map of at most \(left) pairs (the bytes left)",
                found: "map header claiming \(count)")
        }
        return count
    }

    /// Reads any extension value, the timestamp included.
    public mutating func readExtension() throws -> (type: Int8, data: Data) {
        let (type, range) = try readExtensionRange(expected: "ext")
        let data = bytes.withUnsafeBufferPointer { Data(buffer: UnsafeBufferPointer(rebasing: $0[range])) }
        return (type, data)
    }

    /// Reads past the next value, however deeply nested, without building it. The counts
    /// of the containers still open live on the stack (the first 64 levels; deeper ones
    /// in an array), so skipping an ordinary value allocates nothing.
    public mutating func skipValue() throws {
        let start = position
        do {
            // 512 bytes: small enough that the temporary allocation is always on the stack.
            try withUnsafeTemporaryAllocation(of: Int.self, capacity: 64) { openContainers in
                var deeperContainers: [Int] = []
                var pending = 1
                var depth = 0
                while pending > 0 {
                    pending -= 1
                    let marker = try peekMarker(expected: "a value")
                    switch MessagePackType(marker: marker) {
                    case .array?, .map?:
                        let elements =
                            MessagePackType(marker: marker) == .array
                            ? try readArrayHeader() : try readMapHeader() * 2
                        guard depth < Self.maximumDepth else {
                            throw MessagePackDecodingError(
                                expected: "nesting of at most \(Self.maximumDepth)", found: "deeper nesting")
                        }
                        if depth < openContainers.count {
                            openContainers[depth] = pending
                        } else {
                            deeperContainers.append(pending)
                        }
                        depth += 1
                        pending = elements
                    case .string?, .binary?:
                        _ = marker >= 0xc4 && marker <= 0xc6 ? try readBytesRange() : try readStringRange()
                    case .extension?:
                        _ = try readExtensionRange(expected: "ext")
                    case .int?:
                        _ = try readInteger(expected: "int")
                    case .float?:
                        _ = try readDouble()
                    case .nil?, .bool?:
                        position += 1
                    case nil:
                        throw MessagePackDecodingError(expected: "a value", found: "reserved byte 0xc1")
                    }
                    while pending == 0 && depth > 0 {
                        depth -= 1
                        pending = depth < openContainers.count ? openContainers[depth] : deeperContainers.removeLast()
                    }
                }
            }
        } catch {
            position = start
            throw error
        }
    }

    /// Decodes the next value as `T`.
    public mutating func read<T: MessagePackDecodable>(_ type: T.Type = T.self) throws -> T {
        try T(from: &self)
    }

    /// Runs `body`; a ``MessagePackDecodingError`` it throws gets `component` prepended to
    /// its path. The component is only built when decoding fails.
    public mutating func decode<T>(
        at component: @autoclosure () -> String,
        _ body: (inout MessagePackReader) throws -> T
    ) throws -> T {
        do {
            return try body(&self)
        } catch let error as MessagePackDecodingError {
            throw error.prefixed(with: component())
        }
    }
}
