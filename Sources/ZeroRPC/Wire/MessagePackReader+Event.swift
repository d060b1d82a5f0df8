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
        // (and its length field), without the walk over nested containers.
        if let (size, elements) = valueHeader(at: start), elements <= 0, size <= remainingCount {
            position += size
            return start..<position
        }
        guard let end = endOfValue(at: start) else { return nil }
        position = end
        return start..<end
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
