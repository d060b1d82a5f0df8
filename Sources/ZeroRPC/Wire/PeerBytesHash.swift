#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A hash of bytes a peer chose (a channel's routing identity and `message_id`), keyed by
/// random multipliers drawn once per process: the multilinear hash of Lemire and Kaser
/// ("Strongly universal string hashing is fast", 2014). Each input is read as 32-bit words,
/// zero-padded to whole 8-byte blocks, `w₁ … wₙ`, followed by a word holding both
/// lengths, and
///
///     h = (m₀ + m₁·w₁ + … + mₙ₊₁·wₙ₊₁) mod 2⁶⁴, keeping the high 32 bits,
///
/// is strongly universal over those 32 bits: for any two different inputs, the chance over
/// the multipliers that they collide is 2⁻³². A peer never sees a hash or the
/// multipliers, so it cannot choose ids that pile into one bucket of the server's
/// channel table, as with the seeded SipHash this replaces (`Hasher`), at a third of the
/// instructions (callgrind: ~175 against ~550 for a 5-byte identity and a 34-byte id;
/// issue 19).
///
/// Inputs longer than `maximumBytes` together (a routing identity may be 255 bytes) are
/// hashed with `Hasher`.
enum PeerBytesHash {
    /// The longest pair of inputs hashed with the multipliers.
    static let maximumBytes = 120

    /// The constant term, a multiplier per 32-bit word of up to `maximumBytes` (each input
    /// is padded to whole 8-byte blocks: two more per input), and the lengths' word. A
    /// pointer that lives as long as the process: no reference counting per hash.
    private nonisolated(unsafe) static let multipliers: UnsafePointer<UInt64> = {
        let count = 1 + maximumBytes / 4 + 4 + 1
        let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
        var generator = SystemRandomNumberGenerator()
        for index in 0..<count { keys[index] = generator.next() }
        return UnsafePointer(keys)
    }()

    /// The hash of `first` then `second`: different splits of the same bytes differ.
    static func digest(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> Int {
        guard first.count + second.count <= maximumBytes else {
            var hasher = Hasher()
            hasher.combine(first.count)
            hasher.combine(bytes: first)
            hasher.combine(bytes: second)
            return hasher.finalize()
        }
        let keys = multipliers
        var sum = keys[0]
        var next = 1
        absorb(first, into: &sum, keys: keys, next: &next)
        absorb(second, into: &sum, keys: keys, next: &next)
        sum &+= keys[next] &* UInt64(first.count | second.count << 16)
        return Int(truncatingIfNeeded: sum >> 32)
    }

    /// Adds `bytes`' 32-bit words, each times its own multiplier from `keys[next]` on, read
    /// eight bytes at a time; the last block is zero-padded (the lengths' word tells the
    /// padding from zero bytes).
    @inline(__always)
    private static func absorb(
        _ bytes: UnsafeRawBufferPointer, into sum: inout UInt64, keys: UnsafePointer<UInt64>, next: inout Int
    ) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset + 8 <= bytes.count {
            add(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
        }
        guard offset < bytes.count else { return }
        var block: UInt64 = 0
        memcpy(&block, base + offset, bytes.count - offset)
        add(UInt64(littleEndian: block))

        func add(_ block: UInt64) {
            sum &+= keys[next] &* (block & 0xffff_ffff) &+ keys[next + 1] &* (block >> 32)
            next += 2
        }
    }
}
