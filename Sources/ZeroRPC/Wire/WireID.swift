#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A raw msgpack-encoded `message_id` as a dictionary key. Hashes its bytes as one block:
/// `[UInt8]`'s own hash feeds the hasher byte by byte, which costed more than anything
/// else the client's I/O thread did per reply.
struct WireID: Hashable {
    let bytes: ArraySlice<UInt8>

    init(_ bytes: [UInt8]) {
        self.bytes = bytes[...]
    }

    /// A key over part of a received payload, without copying it.
    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
    }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// The client's table holds only ids this process made (`MessageIDGenerator`), whose
    /// 8 bytes after the `bin8` header are a counter in hex: distinct for every call in
    /// flight. So those 8 bytes, mixed with the seed, are the hash — no SipHash over 34
    /// bytes three times per call. A peer cannot add keys to the table, so no crafted
    /// `response_to` can make its entries collide; anything shorter is hashed in full.
    func _rawHashValue(seed: Int) -> Int {
        guard bytes.count >= 10 else {
            var hasher = Hasher()
            hash(into: &hasher)
            return hasher.finalize() ^ seed
        }
        let counter = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 2, as: UInt64.self) }
        return mixedHash(counter, seed: seed)
    }

    /// Compares as one block (`memcmp`): the synthesized `==` compared byte by byte
    /// through the generic `elementsEqual`, ~500 instructions per lookup.
    static func == (lhs: WireID, rhs: WireID) -> Bool {
        sameBytes(lhs.bytes, rhs.bytes)
    }
}

/// `value` mixed with a hash table's `seed` by the 64-bit finalizer of MurmurHash3, so every
/// input bit reaches every output bit: for keys whose bits are already distinct per entry
/// (`WireID`'s counter digits, `ChannelKey`'s seeded digest).
@inline(__always)
func mixedHash(_ value: UInt64, seed: Int) -> Int {
    var mixed = value ^ UInt64(truncatingIfNeeded: seed)
    mixed = (mixed ^ (mixed >> 33)) &* 0xff51_afd7_ed55_8ccd
    mixed = (mixed ^ (mixed >> 33)) &* 0xc4ce_b9fe_1a85_ec53
    return Int(truncatingIfNeeded: mixed ^ (mixed >> 33))
}

extension UnsafeRawBufferPointer {
    /// Whether these bytes are exactly `literal`'s UTF-8, compared as one block: no
    /// `String` or array is made (event names, header keys).
    @inline(__always)
    func holds(_ literal: StaticString) -> Bool {
        guard count == literal.utf8CodeUnitCount else { return false }
        guard let base = baseAddress else { return true }
        return memcmp(base, literal.utf8Start, count) == 0
    }
}

extension UnsafeRawBufferPointer {
    /// Whether these bytes are exactly `other`'s, compared as one block.
    @inline(__always)
    func holds(bytesOf other: UnsafeRawBufferPointer) -> Bool {
        guard count == other.count else { return false }
        guard let base = baseAddress, let otherBase = other.baseAddress else { return true }
        return memcmp(base, otherBase, count) == 0
    }
}

/// Whether two byte sequences are equal, compared as blocks of memory.
@inline(__always)
func sameBytes(_ lhs: ArraySlice<UInt8>, _ rhs: ArraySlice<UInt8>) -> Bool {
    lhs.withUnsafeBytes { left in rhs.withUnsafeBytes { left.holds(bytesOf: $0) } }
}
