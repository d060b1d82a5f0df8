import CMessagePack
import Foundation

/// Encodes MessagePack into a growable buffer, through msgpack-c's packer.
///
/// Integers take their smallest encoding and doubles are always float64, exactly as
/// Python's `msgpack` packs them, so a value encoded here and there is the same bytes.
/// The writer is non-copyable: it owns one `msgpack_sbuffer`, which is destroyed exactly
/// once, by `deinit` or by handing the bytes over with `takeBuffer()` (internal).
public struct MessagePackWriter: ~Copyable {
    // One allocation holds both C structs: the packer points at the buffer, so the
    // buffer needs an address that does not move with the struct.
    private let buffer: UnsafeMutablePointer<msgpack_sbuffer>
    private let packer: UnsafeMutablePointer<msgpack_packer>

    private static let packerOffset: Int = {
        let alignment = MemoryLayout<msgpack_packer>.alignment
        return (MemoryLayout<msgpack_sbuffer>.stride + alignment - 1) / alignment * alignment
    }()
    private static let storageSize = packerOffset + MemoryLayout<msgpack_packer>.stride
    private static let storageAlignment = max(
        MemoryLayout<msgpack_sbuffer>.alignment, MemoryLayout<msgpack_packer>.alignment)

    /// Creates an empty writer with room for `capacity` bytes before it grows.
    public init(reservingCapacity capacity: Int = 256) {
        let storage = UnsafeMutableRawPointer.allocate(
            byteCount: Self.storageSize, alignment: Self.storageAlignment)
        buffer = storage.bindMemory(to: msgpack_sbuffer.self, capacity: 1)
        packer = (storage + Self.packerOffset).bindMemory(to: msgpack_packer.self, capacity: 1)
        let size = max(capacity, 16)
        let data = malloc(size)?.assumingMemoryBound(to: CChar.self)
        buffer.initialize(to: msgpack_sbuffer(size: 0, data: data, alloc: data == nil ? 0 : size))
        packer.initialize(to: msgpack_packer(data: buffer, callback: msgpack_sbuffer_write))
    }

    deinit {
        msgpack_sbuffer_destroy(buffer)
        UnsafeMutableRawPointer(buffer).deallocate()
    }

    /// How many bytes have been written.
    public var count: Int { buffer.pointee.size }

    /// A copy of the bytes written so far.
    public var bytes: [UInt8] {
        guard let data = buffer.pointee.data, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: count))
    }

    /// Calls `body` with the bytes written so far, without copying them.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: buffer.pointee.data, count: count))
    }

    /// Hands the written bytes over without copying. The caller owns `pointer` and must
    /// release it with `free` (it may be nil when nothing was written).
    consuming func takeBuffer() -> (pointer: UnsafeMutableRawPointer?, count: Int) {
        let size = buffer.pointee.size
        let pointer = msgpack_sbuffer_release(buffer)
        UnsafeMutableRawPointer(buffer).deallocate()
        discard self
        return (UnsafeMutableRawPointer(pointer), size)
    }

    public mutating func writeNil() {
        msgpack_pack_nil(packer)
    }

    public mutating func write(_ value: Bool) {
        if value { msgpack_pack_true(packer) } else { msgpack_pack_false(packer) }
    }

    public mutating func write(_ value: Int64) {
        msgpack_pack_int64(packer, value)
    }

    public mutating func write(_ value: UInt64) {
        msgpack_pack_uint64(packer, value)
    }

    public mutating func write(_ value: Double) {
        msgpack_pack_double(packer, value)
    }

    public mutating func write(_ value: Float) {
        msgpack_pack_float(packer, value)
    }

    public mutating func write(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            msgpack_pack_str(packer, utf8.count)
            msgpack_pack_str_body(packer, utf8.baseAddress, utf8.count)
        }
    }

    public mutating func write(_ value: Data) {
        value.withUnsafeBytes { raw in
            msgpack_pack_bin(packer, raw.count)
            msgpack_pack_bin_body(packer, raw.baseAddress, raw.count)
        }
    }

    /// Writes bytes as msgpack bin.
    public mutating func writeBinary(_ bytes: UnsafeRawBufferPointer) {
        msgpack_pack_bin(packer, bytes.count)
        msgpack_pack_bin_body(packer, bytes.baseAddress, bytes.count)
    }

    /// Writes a timestamp as msgpack ext type -1, in its smallest form (4, 8 or 12 bytes).
    public mutating func write(_ value: Timestamp) {
        var timestamp = msgpack_timestamp(tv_sec: value.seconds, tv_nsec: value.nanoseconds)
        msgpack_pack_timestamp(packer, &timestamp)
    }

    public mutating func writeArrayHeader(_ count: Int) {
        msgpack_pack_array(packer, count)
    }

    public mutating func writeMapHeader(_ count: Int) {
        msgpack_pack_map(packer, count)
    }

    public mutating func writeExtension(type: Int8, data: Data) {
        data.withUnsafeBytes { raw in
            msgpack_pack_ext(packer, raw.count, type)
            msgpack_pack_ext_body(packer, raw.baseAddress, raw.count)
        }
    }

    /// Appends bytes that already are one or more complete msgpack values.
    public mutating func writeEncoded(_ encoded: UnsafeRawBufferPointer) {
        guard let base = encoded.baseAddress, !encoded.isEmpty else { return }
        _ = msgpack_sbuffer_write(buffer, base.assumingMemoryBound(to: CChar.self), encoded.count)
    }

    public mutating func write<T: MessagePackEncodable>(_ value: T) {
        value.encode(to: &self)
    }
}
