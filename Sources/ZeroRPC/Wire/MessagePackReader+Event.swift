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
        guard let (size, elements) = valueHeader(at: start), size <= remainingCount else { return nil }
        // Header values are scalars: their size is in the marker (and its length field).
        if elements <= 0 {
            position += size
            return start..<position
        }
        // The args of most calls and replies (`[a, b]`, `[3]`) hold scalars only: their
        // sizes are added here, without the walk's stack of open containers.
        var offset = start + size
        var left = elements
        while left > 0, let (valueSize, valueElements) = valueHeader(at: offset), valueElements < 0,
            valueSize <= bytes.count - offset
        {
            offset += valueSize
            left -= 1
        }
        if left == 0 {
            position = offset
            return start..<offset
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
