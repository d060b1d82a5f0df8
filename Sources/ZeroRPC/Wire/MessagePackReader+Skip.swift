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
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let end = bytes.count
        var offset = start
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 64) { stack -> Int? in
            var open = OpenContainers(stack: stack)
            var pending = 1
            while true {
                guard offset < end else { return nil }
                let marker = base[offset]
                let available = end - offset
                // The value's size in bytes (marker included), and for a container its
                // element count (a map's pairs counted twice).
                var size = 1
                var elements = 0
                var isContainer = false
                switch marker {
                case 0x00...0x7f, 0xe0...0xff, 0xc0, 0xc2, 0xc3: break
                case 0xa0...0xbf: size = 1 + Int(marker & 0x1f)
                case 0x90...0x9f:
                    elements = Int(marker & 0x0f)
                    isContainer = true
                case 0x80...0x8f:
                    elements = Int(marker & 0x0f) &* 2
                    isContainer = true
                case 0xcc, 0xd0: size = 2
                case 0xcd, 0xd1, 0xd4: size = 3
                case 0xd5: size = 4
                case 0xca, 0xce, 0xd2: size = 5
                case 0xd6: size = 6
                case 0xcb, 0xcf, 0xd3: size = 9
                case 0xd7: size = 10
                case 0xd8: size = 18
                case 0xc4, 0xd9, 0xc7:
                    guard available > 1 else { return nil }
                    size = (marker == 0xc7 ? 3 : 2) + Int(base[offset + 1])
                case 0xc5, 0xda, 0xc8:
                    guard available > 2 else { return nil }
                    size = (marker == 0xc8 ? 4 : 3) + (Int(base[offset + 1]) << 8 | Int(base[offset + 2]))
                case 0xc6, 0xdb, 0xc9:
                    guard available > 4 else { return nil }
                    size = (marker == 0xc9 ? 6 : 5) + Self.bigEndian32(base + offset + 1)
                case 0xdc, 0xde:
                    guard available > 2 else { return nil }
                    size = 3
                    elements = Int(base[offset + 1]) << 8 | Int(base[offset + 2])
                    if marker == 0xde { elements &*= 2 }
                    isContainer = true
                case 0xdd, 0xdf:
                    guard available > 4 else { return nil }
                    size = 5
                    elements = Self.bigEndian32(base + offset + 1)
                    if marker == 0xdf { elements &*= 2 }
                    isContainer = true
                default: return nil  // 0xc1, reserved
                }
                guard size <= available else { return nil }
                offset += size
                pending -= 1
                if isContainer {
                    guard open.depth < Self.maximumDepth else { return nil }
                    open.push(pending)
                    pending = elements
                }
                while pending == 0 {
                    guard open.depth > 0 else { return offset }
                    pending = open.pop()
                }
            }
        }
    }

    /// The big-endian 32-bit unsigned field at `pointer` (the bytes were checked).
    private static func bigEndian32(_ pointer: UnsafePointer<UInt8>) -> Int {
        Int(pointer[0]) << 24 | Int(pointer[1]) << 16 | Int(pointer[2]) << 8 | Int(pointer[3])
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
