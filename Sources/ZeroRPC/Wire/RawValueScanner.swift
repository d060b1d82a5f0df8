/// A bounds-checked walk over msgpack bytes that finds where values start and end
/// without building them. The I/O thread uses it to read an event's header and name and
/// to keep the raw bytes of ids, so `response_to` echoes them byte for byte.
///
/// Every read returns nil on truncated or unexpected input; container sizes are checked
/// against the bytes left, so a huge claimed count fails fast instead of allocating.
struct RawValueScanner {
    let bytes: [UInt8]
    private(set) var position: Int

    init(_ bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var isAtEnd: Bool { position >= bytes.count }

    private var remaining: Int { bytes.count - position }

    private mutating func readBigEndian(_ width: Int) -> Int? {
        guard width <= remaining else { return nil }
        var value = 0
        for offset in 0..<width {
            value = value << 8 | Int(bytes[position + offset])
        }
        position += width
        return value
    }

    /// An array header's element count.
    mutating func readArrayHeader() -> Int? {
        guard position < bytes.count else { return nil }
        let tag = bytes[position]
        let start = position
        position += 1
        let count: Int?
        switch tag {
        case 0x90...0x9f: count = Int(tag & 0x0f)
        case 0xdc: count = readBigEndian(2)
        case 0xdd: count = readBigEndian(4)
        default: count = nil
        }
        guard let count, count <= remaining else {
            position = start
            return nil
        }
        return count
    }

    /// A map header's entry count.
    mutating func readMapHeader() -> Int? {
        guard position < bytes.count else { return nil }
        let tag = bytes[position]
        let start = position
        position += 1
        let count: Int?
        switch tag {
        case 0x80...0x8f: count = Int(tag & 0x0f)
        case 0xde: count = readBigEndian(2)
        case 0xdf: count = readBigEndian(4)
        default: count = nil
        }
        guard let count, count <= remaining / 2 else {
            position = start
            return nil
        }
        return count
    }

    /// A msgpack str that is valid UTF-8; position unchanged when the value is not one.
    mutating func readString() -> String? {
        guard position < bytes.count else { return nil }
        let start = position
        let tag = bytes[position]
        position += 1
        let length: Int?
        switch tag {
        case 0xa0...0xbf: length = Int(tag & 0x1f)
        case 0xd9: length = readBigEndian(1)
        case 0xda: length = readBigEndian(2)
        case 0xdb: length = readBigEndian(4)
        default: length = nil
        }
        guard let length, length <= remaining else {
            position = start
            return nil
        }
        let text = String(validating: bytes[position..<position + length], as: UTF8.self)
        guard let text else {
            position = start
            return nil
        }
        position += length
        return text
    }

    /// Skips one complete value (however deeply nested) and returns the range it took.
    /// Iterative, so nesting depth cannot exhaust the stack.
    mutating func skipValue() -> Range<Int>? {
        let start = position
        var valuesLeft = 1
        while valuesLeft > 0 {
            valuesLeft -= 1
            guard let nested = skipOneToken(), nested <= remaining - valuesLeft else {
                position = start
                return nil
            }
            valuesLeft += nested
        }
        return start..<position
    }

    /// Skips one value's tag and scalar payload; returns how many nested values follow.
    private mutating func skipOneToken() -> Int? {
        guard position < bytes.count else { return nil }
        let tag = bytes[position]
        position += 1
        func skip(_ count: Int?) -> Int? {
            guard let count, count <= remaining else { return nil }
            position += count
            return 0
        }
        switch tag {
        case 0x00...0x7f, 0xe0...0xff, 0xc0, 0xc2, 0xc3: return 0
        case 0x80...0x8f: return Int(tag & 0x0f) * 2
        case 0x90...0x9f: return Int(tag & 0x0f)
        case 0xa0...0xbf: return skip(Int(tag & 0x1f))
        case 0xc4, 0xd9: return skip(readBigEndian(1))
        case 0xc5, 0xda: return skip(readBigEndian(2))
        case 0xc6, 0xdb: return skip(readBigEndian(4))
        case 0xc7: return readBigEndian(1).flatMap { skip($0 + 1) }
        case 0xc8: return readBigEndian(2).flatMap { skip($0 + 1) }
        case 0xc9: return readBigEndian(4).flatMap { skip($0 + 1) }
        case 0xca, 0xce, 0xd2: return skip(4)
        case 0xcb, 0xcf, 0xd3: return skip(8)
        case 0xcc, 0xd0: return skip(1)
        case 0xcd, 0xd1: return skip(2)
        case 0xd4: return skip(2)
        case 0xd5: return skip(3)
        case 0xd6: return skip(5)
        case 0xd7: return skip(9)
        case 0xd8: return skip(17)
        case 0xdc: return readBigEndian(2)
        case 0xdd: return readBigEndian(4)
        case 0xde: return readBigEndian(2).map { $0 * 2 }
        case 0xdf: return readBigEndian(4).map { $0 * 2 }
        default: return nil  // 0xc1 is never used
        }
    }

    /// The value at the current position when it is a small non-negative int.
    mutating func readSmallInt() -> Int? {
        guard position < bytes.count else { return nil }
        let tag = bytes[position]
        switch tag {
        case 0x00...0x7f:
            position += 1
            return Int(tag)
        case 0xcc, 0xcd, 0xce:
            let start = position
            position += 1
            guard let value = readBigEndian(tag == 0xcc ? 1 : tag == 0xcd ? 2 : 4) else {
                position = start
                return nil
            }
            return value
        default:
            return nil
        }
    }
}
