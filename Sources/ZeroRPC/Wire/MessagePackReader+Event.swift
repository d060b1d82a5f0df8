extension MessagePackReader {
    /// A reader over an event's owned payload, positioned at `offset` (e.g. the args),
    /// sharing the payload's storage instead of copying a slice.
    init(payload: [UInt8], startingAt offset: Int) {
        self.init(bytes: payload)
        position = offset
    }

    /// Skips one value and returns the bytes it took, or nil (nothing consumed) when the
    /// bytes are not one valid msgpack value within the reader's limits.
    mutating func skipValueRange() -> Range<Int>? {
        let start = position
        // Header values and most replies' args are scalars: their size is in the marker
        // (and one length byte), without the general walk over nested containers.
        if let size = scalarSize(at: start), size <= remainingCount {
            position += size
            return start..<position
        }
        guard (try? skipValue()) != nil else { return nil }
        return start..<position
    }

    /// The encoded size of the scalar or empty container at `offset`, read from its
    /// marker and length byte; nil for anything else (and at the end of the bytes).
    private func scalarSize(at offset: Int) -> Int? {
        guard offset < bytes.count else { return nil }
        let marker = byte(at: offset)
        switch marker {
        case 0x00...0x7f, 0xe0...0xff, 0xc0, 0xc2, 0xc3, 0x80, 0x90: return 1
        case 0xa0...0xbf: return 1 + Int(marker & 0x1f)
        case 0xcc, 0xd0: return 2
        case 0xcd, 0xd1: return 3
        case 0xce, 0xd2, 0xca: return 5
        case 0xcf, 0xd3, 0xcb: return 9
        case 0xc4, 0xd9:
            guard offset + 1 < bytes.count else { return nil }
            return 2 + Int(byte(at: offset + 1))
        default: return nil
        }
    }

    /// A non-negative int that fits `Int32` (header key `v`), or nil with nothing consumed.
    mutating func readSmallInt() -> Int? {
        let start = position
        guard let value = try? readInt64(), (0...Int64(Int32.max)).contains(value) else {
            position = start
            return nil
        }
        return Int(value)
    }
}
