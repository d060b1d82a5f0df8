import Foundation

/// Encodes MessagePack into one growable buffer.
///
/// Integers take their smallest encoding and doubles are always float64, exactly as
/// Python's `msgpack` packs them, so a value encoded here and there is the same bytes.
/// The writes are `@inlinable` stores into the buffer (one capacity check each), so
/// generated encoders in other modules compile to straight-line code; field names go out
/// from static literals with ``writeKey(_:)``.
///
/// The writer is non-copyable: it owns its buffer (from `malloc`), which is freed exactly
/// once, by `deinit`. A writer the runtime makes for a moment (`withStackBuffer`) starts
/// in a buffer on the stack instead and moves to `malloc`ed memory only if it outgrows it.
///
/// A large `Data` (`referencedThreshold` bytes or more) is not copied into the buffer:
/// the writer keeps a reference to it and where it belongs, and its bytes are copied
/// once, straight into the event that carries them (`append(to:)`), instead of into the
/// writer and again into the event.
public struct MessagePackWriter: ~Copyable {
    @usableFromInline var storage: UnsafeMutableRawPointer?
    @usableFromInline var written: Int
    @usableFromInline var capacity: Int
    /// Large `bin` bodies held by reference, in order: each belongs before the buffer's
    /// byte at `offset`. Nil (no allocation) until the first one.
    var referenced: [(offset: Int, data: Data)]?
    /// The bytes of `referenced`, which `count` includes.
    @usableFromInline var referencedCount = 0
    /// Whether `storage` came from `malloc` (freed by `deinit`, grown by `realloc`), not
    /// from the caller of `withStackBuffer`.
    var ownsStorage = true
    /// The stack buffer a `withStackBuffer` writer began in, kept when it moves to the
    /// heap: how `withStackBuffer` knows the writer it gets back is the one it lent.
    private var stackOrigin: UnsafeMutableRawPointer?

    /// A `Data` at least this large is written by reference (see above).
    static let referencedThreshold = LargePayload.threshold

    /// Creates an empty writer with room for `capacity` bytes before it grows.
    public init(reservingCapacity capacity: Int = 256) {
        let size = max(capacity, 16)
        storage = malloc(size)
        written = 0
        self.capacity = storage == nil ? 0 : size
    }

    /// A writer that has allocated nothing yet: the result of a handler whose reply
    /// nobody reads (an event's), which costs no `malloc`.
    init(unallocated: Void) {
        storage = nil
        written = 0
        capacity = 0
    }

    /// A writer over `buffer`, which it neither grows nor frees: past its end it moves to
    /// memory of its own (`grow`).
    private init(borrowing buffer: UnsafeMutableRawBufferPointer) {
        storage = buffer.baseAddress
        written = 0
        capacity = buffer.count
        ownsStorage = false
        stackOrigin = buffer.baseAddress
    }

    /// Calls `body` with an empty writer whose first `capacity` bytes are on the stack, so
    /// a small value costs no allocation; a larger one moves to the heap as it grows.
    ///
    /// The writer must not outlive `body`. It is `inout`, so keeping it means leaving
    /// another writer in its place (`swap`, or `consume` and a new one); a writer handed
    /// back that did not begin in this buffer traps, before the kept one could be
    /// written to after its stack memory is gone (user code writes the arguments of every
    /// call, `Client.withArguments(of:_:_:)`).
    static func withStackBuffer<Result, Failure: Error>(
        capacity: Int = 1024, _ body: (inout MessagePackWriter) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 16) { (buffer) throws(Failure) -> Result in
            var writer = MessagePackWriter(borrowing: buffer)
            defer {
                precondition(
                    writer.stackOrigin == buffer.baseAddress,
                    "a MessagePackWriter lent to write arguments was kept past the call")
            }
            return try body(&writer)
        }
    }

    deinit {
        if ownsStorage { free(storage) }
    }

    /// How many bytes have been written.
    @inlinable
    public var count: Int { written + referencedCount }

    /// A copy of the bytes written so far.
    public var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        append(to: &bytes)
        return bytes
    }

    /// Calls `body` with the bytes written so far: the writer's own buffer, without a
    /// copy, unless a large `Data` was written by reference (then a copy of them all).
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        guard referenced == nil else { return try bytes.withUnsafeBytes(body) }
        return try body(UnsafeRawBufferPointer(start: storage, count: written))
    }

    /// Forgets what was written and keeps the buffer, for a writer that is reused.
    mutating func removeAll() {
        written = 0
        referenced = nil
        referencedCount = 0
    }

    /// Calls `body` with the bytes written so far, piece by piece in order: the buffer's
    /// stretches and each large `Data` held by reference between them.
    private func forEachPiece(_ body: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        for (offset, data) in referenced ?? [] {
            body(UnsafeRawBufferPointer(start: storage.map { $0 + start }, count: offset - start))
            data.withUnsafeBytes { body($0) }
            start = offset
        }
        guard written > start else { return }
        body(UnsafeRawBufferPointer(start: storage.map { $0 + start }, count: written - start))
    }

    /// Appends the bytes written so far to `bytes`: the buffer's pieces and each large
    /// `Data` held by reference, in order, each copied once.
    func append(to bytes: inout [UInt8]) {
        forEachPiece { bytes.append(contentsOf: $0) }
    }

    /// Writes the bytes written so far into an event being built, as `append(to:)` does.
    func write(to out: inout EventBytes) {
        forEachPiece { out.write($0) }
    }

    /// Makes room for `additional` more bytes at once, e.g. before a container whose
    /// size is known, so it is written with one capacity check and no regrowth.
    @inlinable
    public mutating func reserveCapacity(additional: Int) {
        if capacity - written < additional { grow(toFit: additional) }
    }

    /// The most that an array's encoder reserves ahead from its first element's size.
    @inlinable
    static var extrapolationLimit: Int { 1 << 20 }

    /// Grows geometrically: doubling keeps the copies of a growing message linear. A
    /// write larger than the doubled buffer (a big `bin`) gets exactly the room it needs:
    /// doubling up to it would leave up to half of a large buffer unused, and a buffer
    /// past glibc's mmap threshold is mapped and faulted in anew each time.
    @usableFromInline
    mutating func grow(toFit additional: Int) {
        let needed = written + max(additional, 0)
        let newCapacity = max(max(capacity, 16) * 2, needed)
        // Running out of memory is the one failure a writer cannot report: its writes
        // do not throw, and dropping bytes would send a corrupt message. Trap instead,
        // as Swift's own collections do.
        guard ownsStorage else {
            guard let moved = malloc(newCapacity) else { preconditionFailure("out of memory") }
            if let storage, written > 0 { moved.copyMemory(from: storage, byteCount: written) }
            storage = moved
            capacity = newCapacity
            ownsStorage = true
            return
        }
        guard let grown = realloc(storage, newCapacity) else { preconditionFailure("out of memory") }
        storage = grown
        capacity = newCapacity
    }

    /// The address of the next `size` bytes, which the caller then fills; room is made first.
    @inlinable @inline(__always)
    mutating func claim(_ size: Int) -> UnsafeMutableRawPointer {
        reserveCapacity(additional: size)
        // Non-nil: `reserveCapacity` left at least `size` bytes, so the buffer exists.
        let address = storage.unsafelyUnwrapped + written
        written += size
        return address
    }

    @inlinable @inline(__always)
    mutating func writeByte(_ byte: UInt8) {
        claim(1).storeBytes(of: byte, as: UInt8.self)
    }

    /// A marker byte followed by `value` in big-endian order.
    @inlinable @inline(__always)
    mutating func write<T: FixedWidthInteger>(marker: UInt8, _ value: T) {
        let address = claim(1 + MemoryLayout<T>.size)
        address.storeBytes(of: marker, as: UInt8.self)
        (address + 1).storeBytes(of: value.bigEndian, as: T.self)
    }

    @inlinable @inline(__always)
    mutating func writeRaw(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        claim(bytes.count).copyMemory(from: source, byteCount: bytes.count)
    }

    @inlinable
    public mutating func writeNil() {
        writeByte(0xc0)
    }

    @inlinable
    public mutating func write(_ value: Bool) {
        writeByte(value ? 0xc3 : 0xc2)
    }

    /// Positive values take the unsigned formats, as msgpack-c and Python's msgpack do.
    @inlinable
    public mutating func write(_ value: Int64) {
        if value >= 0 {
            write(UInt64(value))
        } else if value >= -32 {
            writeByte(UInt8(bitPattern: Int8(value)))
        } else if value >= -128 {
            write(marker: 0xd0, Int8(value))
        } else if value >= -32_768 {
            write(marker: 0xd1, Int16(value))
        } else if value >= -2_147_483_648 {
            write(marker: 0xd2, Int32(value))
        } else {
            write(marker: 0xd3, value)
        }
    }

    @inlinable @inline(__always)
    public mutating func write(_ value: UInt64) {
        if value < 0x80 {
            writeByte(UInt8(value))
        } else if value <= 0xff {
            write(marker: 0xcc, UInt8(value))
        } else if value <= 0xffff {
            write(marker: 0xcd, UInt16(value))
        } else if value <= 0xffff_ffff {
            write(marker: 0xce, UInt32(value))
        } else {
            write(marker: 0xcf, value)
        }
    }

    @inlinable @inline(__always)
    public mutating func write(_ value: Double) {
        write(marker: 0xcb, value.bitPattern)
    }

    @inlinable
    public mutating func write(_ value: Float) {
        write(marker: 0xca, value.bitPattern)
    }

    /// A native or small string's UTF-8 is read in place (no copy of the string, so no
    /// retain); a fixstr's header and bytes go out with one capacity check.
    @inlinable
    public mutating func write(_ value: String) {
        let written: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in
            writeString(utf8: UnsafeRawBufferPointer(utf8))
        }
        if written == nil {
            // A bridged or foreign string: `withUTF8` makes it native first.
            var native = value
            native.withUTF8 { writeString(utf8: UnsafeRawBufferPointer($0)) }
        }
    }

    @inlinable @inline(__always)
    mutating func writeString(utf8: UnsafeRawBufferPointer) {
        guard utf8.count < 32, let source = utf8.baseAddress else {
            writeStringHeader(utf8.count)
            writeRaw(utf8)
            return
        }
        let address = claim(1 + utf8.count)
        address.storeBytes(of: 0xa0 | UInt8(utf8.count), as: UInt8.self)
        (address + 1).copyMemory(from: source, byteCount: utf8.count)
    }

    /// Writes a str from a static literal, e.g. a field name: its header and bytes in one
    /// step, with the length known at compile time.
    @inlinable @inline(__always)
    public mutating func writeKey(_ key: StaticString) {
        key.withUTF8Buffer { writeString(utf8: UnsafeRawBufferPointer($0)) }
    }

    @inlinable @inline(__always)
    mutating func writeStringHeader(_ count: Int) {
        if count < 32 {
            writeByte(0xa0 | UInt8(count))
        } else if count <= 0xff {
            write(marker: 0xd9, UInt8(count))
        } else if count <= 0xffff {
            write(marker: 0xda, UInt16(count))
        } else {
            write(marker: 0xdb, UInt32(truncatingIfNeeded: count))
        }
    }

    /// Writes `value` as msgpack bin; a large one by reference (see the type's notes).
    public mutating func write(_ value: Data) {
        guard value.count >= Self.referencedThreshold else {
            value.withUnsafeBytes { writeBinary($0) }
            return
        }
        writeBinaryHeader(value.count)
        if referenced == nil { referenced = [] }
        referenced?.append((written, value))
        referencedCount += value.count
    }

    /// Writes bytes as msgpack bin.
    public mutating func writeBinary(_ bytes: UnsafeRawBufferPointer) {
        writeBinaryHeader(bytes.count)
        writeRaw(bytes)
    }

    private mutating func writeBinaryHeader(_ count: Int) {
        if count <= 0xff {
            write(marker: 0xc4, UInt8(count))
        } else if count <= 0xffff {
            write(marker: 0xc5, UInt16(count))
        } else {
            write(marker: 0xc6, UInt32(truncatingIfNeeded: count))
        }
    }

    /// Writes a timestamp as msgpack ext type -1, in its smallest form (4, 8 or 12 bytes).
    public mutating func write(_ value: Timestamp) {
        let nanoseconds = UInt64(value.nanoseconds)
        if value.seconds >> 34 == 0 {
            let packed = nanoseconds << 34 | UInt64(value.seconds)
            if packed & 0xffff_ffff_0000_0000 == 0 {
                write(marker: 0xd6, UInt8(0xff))
                writeRaw(bigEndian: UInt32(packed))
            } else {
                write(marker: 0xd7, UInt8(0xff))
                writeRaw(bigEndian: packed)
            }
        } else {
            write(marker: 0xc7, UInt8(12))
            writeByte(0xff)
            writeRaw(bigEndian: UInt32(nanoseconds))
            writeRaw(bigEndian: value.seconds)
        }
    }

    private mutating func writeRaw<T: FixedWidthInteger>(bigEndian value: T) {
        claim(MemoryLayout<T>.size).storeBytes(of: value.bigEndian, as: T.self)
    }

    @inlinable @inline(__always)
    public mutating func writeArrayHeader(_ count: Int) {
        if count < 16 {
            writeByte(0x90 | UInt8(count))
        } else if count <= 0xffff {
            write(marker: 0xdc, UInt16(count))
        } else {
            write(marker: 0xdd, UInt32(truncatingIfNeeded: count))
        }
    }

    @inlinable @inline(__always)
    public mutating func writeMapHeader(_ count: Int) {
        if count < 16 {
            writeByte(0x80 | UInt8(count))
        } else if count <= 0xffff {
            write(marker: 0xde, UInt16(count))
        } else {
            write(marker: 0xdf, UInt32(truncatingIfNeeded: count))
        }
    }

    public mutating func writeExtension(type: Int8, data: Data) {
        switch data.count {
        case 1: writeByte(0xd4)
        case 2: writeByte(0xd5)
        case 4: writeByte(0xd6)
        case 8: writeByte(0xd7)
        case 16: writeByte(0xd8)
        case ...0xff: write(marker: 0xc7, UInt8(data.count))
        case ...0xffff: write(marker: 0xc8, UInt16(data.count))
        default: write(marker: 0xc9, UInt32(truncatingIfNeeded: data.count))
        }
        writeByte(UInt8(bitPattern: type))
        data.withUnsafeBytes { writeRaw($0) }
    }

    /// Appends bytes that already are one or more complete msgpack values.
    public mutating func writeEncoded(_ encoded: UnsafeRawBufferPointer) {
        writeRaw(encoded)
    }

    @inlinable
    public mutating func write<T: MessagePackEncodable>(_ value: T) {
        value.encode(to: &self)
    }
}
