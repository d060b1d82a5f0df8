/// The byte-level steps every read is made of. Each one checks the reader's count before
/// it touches memory, and holds the memory's keeper alive across the access.
extension MessagePackReader {
    @usableFromInline
    enum Integer {
        case signed(Int64)
        case unsigned(UInt64)
    }

    /// The byte at `offset`; the caller has checked `offset < bytes.count`.
    @inlinable @inline(__always)
    func byte(at offset: Int) -> UInt8 {
        // The keeper outlives the load: the optimizer may end a value's lifetime at its
        // last use, and a raw pointer read is not a use of the object that owns it.
        defer { withExtendedLifetime(keeper) {} }
        return bytes.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// A big-endian `T` at `offset`; the caller has checked the bounds.
    @inlinable @inline(__always)
    func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        defer { withExtendedLifetime(keeper) {} }
        return T(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// The `T` at `offset` in memory order, for bit tests; the caller has checked the bounds.
    @inlinable @inline(__always)
    func loadWord<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        defer { withExtendedLifetime(keeper) {} }
        return bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
    }

    /// Calls `body` with the bytes in `range` (already bounds-checked), typed as UTF-8
    /// code units, while the keeper is held.
    @inlinable @inline(__always)
    func withBytes<R>(in range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        defer { withExtendedLifetime(keeper) {} }
        return try bytes[range].withMemoryRebound(to: UInt8.self, body)
    }

    @inlinable @inline(__always)
    func peekMarker(expected: String) throws -> UInt8 {
        guard position < bytes.count else { throw MessagePackDecodingError.endOfData(expected: expected) }
        return byte(at: position)
    }

    /// What the value at the current position is, for an error message.
    @usableFromInline
    func mismatch(expected: String, marker: UInt8) -> MessagePackDecodingError {
        let found = MessagePackType(marker: marker).map { "\($0)" } ?? "reserved byte 0xc1"
        return MessagePackDecodingError(expected: expected, found: found)
    }

    /// Reads a marker byte followed by a big-endian `T`.
    @inlinable @inline(__always)
    mutating func readPayload<T: FixedWidthInteger>(_ type: T.Type, expected: String) throws -> T {
        let size = MemoryLayout<T>.size
        guard size < bytes.count - position else { throw MessagePackDecodingError.endOfData(expected: expected) }
        let value = load(T.self, at: position + 1)
        position += 1 + size
        return value
    }

    @inlinable
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
    @inlinable
    mutating func readBody<Length: FixedWidthInteger>(
        lengthOf: Length.Type, expected: String
    ) throws -> Range<Int> {
        let start = position
        let length = Int(try readPayload(Length.self, expected: expected))
        return try claimBody(length, expected: expected, restoringTo: start)
    }

    @inlinable @inline(__always)
    mutating func claimBody(_ length: Int, expected: String, restoringTo start: Int) throws -> Range<Int> {
        guard length <= remainingCount else {
            let left = remainingCount
            position = start
            throw MessagePackDecodingError.truncated(expected: expected, claimed: length, left: left)
        }
        defer { position += length }
        return position..<(position + length)
    }

    /// A fixstr (every field name, most short values) inline, with one bounds check;
    /// anything else, and every error, out of line.
    @inlinable @inline(__always)
    mutating func readStringRange() throws -> Range<Int> {
        if position < bytes.count {
            let marker = byte(at: position)
            let start = position + 1
            let length = Int(marker & 0x1f)
            if marker & 0xe0 == 0xa0 && length <= bytes.count - start {
                position = start + length
                return start..<position
            }
        }
        return try readAnyStringRange()
    }

    @usableFromInline
    mutating func readAnyStringRange() throws -> Range<Int> {
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

    @inlinable
    mutating func readBytesRange() throws -> Range<Int> {
        let marker = try peekMarker(expected: "bin")
        switch marker {
        case 0xc4: return try readBody(lengthOf: UInt8.self, expected: "bin")
        case 0xc5: return try readBody(lengthOf: UInt16.self, expected: "bin")
        case 0xc6: return try readBody(lengthOf: UInt32.self, expected: "bin")
        default: throw mismatch(expected: "bin", marker: marker)
        }
    }

    /// A bin's bytes, or a str's (some peers send bytes as str).
    @inlinable
    mutating func readBinaryRange() throws -> Range<Int> {
        let marker = try peekMarker(expected: "bin")
        switch marker {
        case 0xa0...0xbf, 0xd9...0xdb: return try readStringRange()
        default: return try readBytesRange()
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
            throw MessagePackDecodingError.endOfData(expected: expected)
        }
        let type = Int8(bitPattern: byte(at: position))
        position += 1
        return (type, try claimBody(length, expected: expected, restoringTo: start))
    }
}

/// The errors the inlinable reads throw, built out of line so the hot paths stay small.
extension MessagePackDecodingError {
    @usableFromInline
    static func endOfData(expected: String) -> MessagePackDecodingError {
        MessagePackDecodingError(expected: expected, found: "end of data")
    }

    @usableFromInline
    static func truncated(expected: String, claimed: Int, left: Int) -> MessagePackDecodingError {
        MessagePackDecodingError(expected: expected, found: "\(claimed) bytes claimed, \(left) left")
    }

    @usableFromInline
    static func tooManyElements(_ count: Int, kind: String, left: Int) -> MessagePackDecodingError {
        let unit = kind == "map" ? "pairs" : "elements"
        return MessagePackDecodingError(
            expected: "\(kind) of at most \(left) \(unit) (the bytes left)", found: "\(kind) header claiming \(count)")
    }

    @usableFromInline
    static func outOfRange(expected: String, found: String) -> MessagePackDecodingError {
        MessagePackDecodingError(expected: expected, found: found)
    }

    @usableFromInline
    static var invalidUTF8: MessagePackDecodingError {
        MessagePackDecodingError(expected: "str", found: "str with invalid UTF-8")
    }
}
