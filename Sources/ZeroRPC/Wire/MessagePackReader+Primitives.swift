/// The byte-level steps every read is made of.
extension MessagePackReader {
    enum Integer {
        case signed(Int64)
        case unsigned(UInt64)
    }

    @inline(__always)
    func peekMarker(expected: String) throws -> UInt8 {
        guard position < bytes.count else {
            throw MessagePackDecodingError(expected: expected, found: "end of data")
        }
        return bytes[position]
    }

    /// What the value at the current position is, for an error message.
    func mismatch(expected: String, marker: UInt8) -> MessagePackDecodingError {
        let found = MessagePackType(marker: marker).map { "\($0)" } ?? "reserved byte 0xc1"
        return MessagePackDecodingError(expected: expected, found: found)
    }

    @inline(__always)
    func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        bytes.withUnsafeBytes { T(bigEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    /// Reads a marker byte followed by a big-endian `T`.
    @inline(__always)
    mutating func readPayload<T: FixedWidthInteger>(_ type: T.Type, expected: String) throws -> T {
        let size = MemoryLayout<T>.size
        guard size < bytes.count - position else {
            throw MessagePackDecodingError(expected: expected, found: "end of data")
        }
        let value = load(T.self, at: position + 1)
        position += 1 + size
        return value
    }

    mutating func readInteger(expected: String) throws -> Integer {
        let marker = try peekMarker(expected: expected)
        switch marker {
        case 0x00...0x7f:
            position += 1
            return .signed(Int64(marker))
        case 0xe0...0xff:
            position += 1
            return .signed(Int64(Int8(bitPattern: marker)))
        case 0xcc: return .unsigned(UInt64(try readPayload(UInt8.self, expected: expected)))
        case 0xcd: return .unsigned(UInt64(try readPayload(UInt16.self, expected: expected)))
        case 0xce: return .unsigned(UInt64(try readPayload(UInt32.self, expected: expected)))
        case 0xcf: return .unsigned(try readPayload(UInt64.self, expected: expected))
        case 0xd0: return .signed(Int64(Int8(bitPattern: try readPayload(UInt8.self, expected: expected))))
        case 0xd1: return .signed(Int64(Int16(bitPattern: try readPayload(UInt16.self, expected: expected))))
        case 0xd2: return .signed(Int64(Int32(bitPattern: try readPayload(UInt32.self, expected: expected))))
        case 0xd3: return .signed(Int64(bitPattern: try readPayload(UInt64.self, expected: expected)))
        default: throw mismatch(expected: expected, marker: marker)
        }
    }

    /// Reads a length of type `Length` after the marker, then skips that many bytes and
    /// returns where they are.
    mutating func readBody<Length: FixedWidthInteger>(
        lengthOf: Length.Type, expected: String
    ) throws -> Range<Int> {
        let start = position
        let length = Int(try readPayload(Length.self, expected: expected))
        return try claimBody(length, expected: expected, restoringTo: start)
    }

    mutating func claimBody(_ length: Int, expected: String, restoringTo start: Int) throws -> Range<Int> {
        let left = remainingCount
        guard length <= left else {
            position = start
            throw MessagePackDecodingError(expected: expected, found: "\(length) bytes claimed, \(left) left")
        }
        defer { position += length }
        return position..<(position + length)
    }

    mutating func readStringRange() throws -> Range<Int> {
        let marker = try peekMarker(expected: "str")
        switch marker {
        case 0xa0...0xbf:
            let start = position
            position += 1
            return try claimBody(Int(marker & 0x1f), expected: "str", restoringTo: start)
        case 0xd9: return try readBody(lengthOf: UInt8.self, expected: "str")
        case 0xda: return try readBody(lengthOf: UInt16.self, expected: "str")
        case 0xdb: return try readBody(lengthOf: UInt32.self, expected: "str")
        default: throw mismatch(expected: "str", marker: marker)
        }
    }

    mutating func readBytesRange() throws -> Range<Int> {
        let marker = try peekMarker(expected: "bin")
        switch marker {
        case 0xc4: return try readBody(lengthOf: UInt8.self, expected: "bin")
        case 0xc5: return try readBody(lengthOf: UInt16.self, expected: "bin")
        case 0xc6: return try readBody(lengthOf: UInt32.self, expected: "bin")
        default: throw mismatch(expected: "bin", marker: marker)
        }
    }

    mutating func readExtensionRange(expected: String) throws -> (type: Int8, range: Range<Int>) {
        let marker = try peekMarker(expected: expected)
        let start = position
        let length: Int
        let headerSize: Int
        switch marker {
        case 0xd4: (length, headerSize) = (1, 1)
        case 0xd5: (length, headerSize) = (2, 1)
        case 0xd6: (length, headerSize) = (4, 1)
        case 0xd7: (length, headerSize) = (8, 1)
        case 0xd8: (length, headerSize) = (16, 1)
        case 0xc7: (length, headerSize) = (Int(try readPayload(UInt8.self, expected: expected)), 0)
        case 0xc8: (length, headerSize) = (Int(try readPayload(UInt16.self, expected: expected)), 0)
        case 0xc9: (length, headerSize) = (Int(try readPayload(UInt32.self, expected: expected)), 0)
        default: throw mismatch(expected: expected, marker: marker)
        }
        position += headerSize
        guard position < bytes.count else {
            position = start
            throw MessagePackDecodingError(expected: expected, found: "end of data")
        }
        let type = Int8(bitPattern: bytes[position])
        position += 1
        return (type, try claimBody(length, expected: expected, restoringTo: start))
    }
}
