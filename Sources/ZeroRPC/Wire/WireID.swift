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
}
