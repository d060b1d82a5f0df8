extension MessagePackReader {
    /// The end of the value at `start`, however deeply nested, found from the markers and
    /// length fields alone; nil when the bytes are truncated, hold the reserved marker
    /// 0xc1, or nest deeper than `maximumDepth` (the caller then reports the error).
    ///
    /// `skipValue` used to walk values with the typed readers, which decode every integer
    /// and float on the way: skipping the args of a call carrying 100 records (the
    /// envelope checks where args end) was a quarter of the server's instructions. This
    /// walk only adds sizes. The counts of the containers still open live on the stack
    /// (the first 64 levels; deeper ones in an array), so it allocates nothing.
    func endOfValue(at start: Int) -> Int? {
        // The keeper outlives the reads through `bytes` (see `byte(at:)`).
        defer { withExtendedLifetime(keeper) {} }
        var offset = start
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 64) { stack -> Int? in
            var open = OpenContainers(stack: stack)
            var pending = 1
            let count = bytes.count
            while true {
                // Scalars (most of a record's values) in a loop of their own, without the
                // containers' bookkeeping.
                while pending > 0, let (size, elements) = valueHeader(at: offset), elements < 0 {
                    guard size <= count - offset else { return nil }
                    offset += size
                    pending -= 1
                }
                if pending == 0 {
                    guard open.depth > 0 else { return offset }
                    pending = open.pop()
                    continue
                }
                // Stopped at a container's header, or at bytes that are no value.
                guard let (size, elements) = valueHeader(at: offset), size <= count - offset,
                    open.depth < Self.maximumDepth
                else { return nil }
                offset += size
                open.push(pending - 1)
                pending = elements
            }
        }
    }

    /// What the marker at `offset` and its length field say: the bytes of the value (of
    /// a container, its header only) and, for a container, how many values it holds (a
    /// map's pairs counted twice; -1 for anything else). Nil at the end of the bytes,
    /// before a length field's end, and for the reserved marker 0xc1. Whether the value's
    /// bytes are all there is the caller's check.
    @inline(__always)
    func valueHeader(at offset: Int) -> (size: Int, elements: Int)? {
        guard offset < bytes.count else { return nil }
        let marker = bytes[offset]
        let available = bytes.count - offset
        /// The big-endian unsigned length field of `width` bytes after the marker.
        func length(_ width: Int) -> Int? {
            guard available > width else { return nil }
            var value = 0
            for index in (offset + 1)...(offset + width) { value = value << 8 | Int(bytes[index]) }
            return value
        }
        switch marker {
        case 0x00...0x7f, 0xe0...0xff, 0xc0, 0xc2, 0xc3: return (1, -1)
        case 0xa0...0xbf: return (1 + Int(marker & 0x1f), -1)
        case 0x90...0x9f: return (1, Int(marker & 0x0f))
        case 0x80...0x8f: return (1, Int(marker & 0x0f) &* 2)
        case 0xcc, 0xd0: return (2, -1)
        case 0xcd, 0xd1, 0xd4: return (3, -1)
        case 0xd5: return (4, -1)
        case 0xca, 0xce, 0xd2: return (5, -1)
        case 0xd6: return (6, -1)
        case 0xcb, 0xcf, 0xd3: return (9, -1)
        case 0xd7: return (10, -1)
        case 0xd8: return (18, -1)
        case 0xc4, 0xd9: return length(1).map { (2 + $0, -1) }
        case 0xc5, 0xda: return length(2).map { (3 + $0, -1) }
        case 0xc6, 0xdb: return length(4).map { (5 + $0, -1) }
        case 0xc7: return length(1).map { (3 + $0, -1) }
        case 0xc8: return length(2).map { (4 + $0, -1) }
        case 0xc9: return length(4).map { (6 + $0, -1) }
        case 0xdc: return length(2).map { (3, $0) }
        case 0xdd: return length(4).map { (5, $0) }
        case 0xde: return length(2).map { (3, $0 &* 2) }
        case 0xdf: return length(4).map { (5, $0 &* 2) }
        default: return nil  // 0xc1, reserved
        }
    }
}

/// The counts of values still to read in each container a walk has open (`endOfValue`,
/// `skipValueWithTypedReaders`): the first levels in `stack`, a caller's temporary
/// allocation, deeper ones in an array, so an ordinary value allocates nothing.
struct OpenContainers {
    let stack: UnsafeMutableBufferPointer<Int>
    private var deeper: [Int] = []
    private(set) var depth = 0

    init(stack: UnsafeMutableBufferPointer<Int>) {
        self.stack = stack
    }

    /// Opens a container; `pending` is what its parent still has to read.
    mutating func push(_ pending: Int) {
        if depth < stack.count {
            stack[depth] = pending
        } else {
            deeper.append(pending)
        }
        depth += 1
    }

    /// Closes the innermost container: what its parent still has to read.
    mutating func pop() -> Int {
        depth -= 1
        return depth < stack.count ? stack[depth] : deeper.removeLast()
    }
}
