/// Writes an outgoing event's pieces one after another into memory sized for it in
/// advance (`EventEncoder`: a stack buffer for a small event, the array itself for a
/// large one; docs/ARCHITECTURE.md, "Writing an event"): a copy per piece,
/// with none of `Array.append`'s capacity and uniqueness checks. Every write is checked
/// against the capacity, which the encoder counts from the same pieces, so a miscount
/// traps instead of writing past the buffer.
struct EventBytes {
    private let start: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    /// The bytes written so far.
    private(set) var count = 0

    init(start: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.start = start
        self.capacity = capacity
    }

    /// The next `byteCount` bytes, counted as written, for the caller to fill.
    mutating func claim(_ byteCount: Int) -> UnsafeMutableRawPointer {
        precondition(byteCount <= capacity - count, "an event's bytes were miscounted")
        defer { count += byteCount }
        return UnsafeMutableRawPointer(start + count)
    }

    mutating func write(_ byte: UInt8) {
        claim(1).storeBytes(of: byte, as: UInt8.self)
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        claim(bytes.count).copyMemory(from: source, byteCount: bytes.count)
    }

    mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    mutating func write(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { write($0) }
    }

    mutating func write(contentsOf bytes: some Collection<UInt8>) {
        let copied: Void? = bytes.withContiguousStorageIfAvailable { write(UnsafeRawBufferPointer($0)) }
        guard copied == nil else { return }
        for byte in bytes { write(byte) }
    }

    /// A msgpack str: its header and UTF-8 bytes.
    mutating func writeString(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            let count = utf8.count
            switch count {
            case 0..<32: write(0xa0 | UInt8(count))
            case 32..<256:
                write(0xd9)
                write(UInt8(count))
            case 256..<65536:
                write(0xda)
                writeBigEndian(UInt16(count))
            default:
                write(0xdb)
                writeBigEndian(UInt32(truncatingIfNeeded: count))
            }
            write(UnsafeRawBufferPointer(utf8))
        }
    }

    /// A msgpack map header for `count` pairs.
    mutating func writeMapHeader(_ count: Int) {
        switch count {
        case 0..<16: write(0x80 | UInt8(count))
        case 16..<65536:
            write(0xde)
            writeBigEndian(UInt16(count))
        default:
            write(0xdf)
            writeBigEndian(UInt32(truncatingIfNeeded: count))
        }
    }

    private mutating func writeBigEndian<Value: FixedWidthInteger>(_ value: Value) {
        claim(MemoryLayout<Value>.size).storeBytes(of: value.bigEndian, as: Value.self)
    }
}
