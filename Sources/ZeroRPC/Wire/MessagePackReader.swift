import Foundation

/// Decodes MessagePack one value at a time, from bytes it owns or from memory another
/// object keeps alive (a received ZeroMQ message), without copying them.
///
/// Every read is bounds-checked against the reader's own count before it touches memory,
/// and a failed read leaves the reader where it was, so callers may try another type.
/// Array and map headers may not claim more elements than there are bytes left, and
/// nesting deeper than ``maximumDepth`` is refused, so a hostile message costs no more
/// memory than its own size.
///
/// The hot reads are `@inlinable`, so generated decoders in other modules are
/// specialized and inlined instead of calling through generic witnesses per field.
public struct MessagePackReader: @unchecked Sendable {
    // @unchecked: `bytes` is a pointer, read-only, into memory `keeper` keeps alive and
    // nobody mutates while a reader exists (the initializers' contract).

    /// Nesting allowed in dynamic values and in ``skipValue()``.
    public static let maximumDepth = 256

    /// What keeps `bytes` valid: the reader's own array, or the caller's owner object.
    @usableFromInline
    enum Keeper: Sendable {
        case array(ContiguousArray<UInt8>)
        case object(any AnyObject & Sendable)
    }

    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline let keeper: Keeper
    @usableFromInline var position: Int

    /// A reader over `bytes`, which it keeps (an array is shared, not copied).
    public init(bytes: [UInt8]) {
        // A native array's storage never moves while the array is referenced, and the
        // reader holds it in `keeper` for as long as it reads through `bytes`.
        let storage = ContiguousArray(bytes)
        self.bytes = storage.withUnsafeBytes { $0 }
        self.keeper = .array(storage)
        self.position = 0
    }

    /// A reader over memory it does not own, without copying it: e.g. a received ZeroMQ
    /// message, whose `owner` closes the message in `deinit`.
    ///
    /// - Parameters:
    ///   - unsafeBytes: Memory that stays valid and unchanged while `owner` lives.
    ///   - owner: Retained by the reader (and its copies) for as long as they read.
    init(unsafeBytes: UnsafeRawBufferPointer, owner: some AnyObject & Sendable) {
        self.bytes = unsafeBytes
        self.keeper = .object(owner)
        self.position = 0
    }

    /// A reader over memory valid only while it reads, such as a received message's bytes
    /// during a receive: nothing it decodes points into that memory (a large bin is
    /// copied like a small one, never shared).
    @usableFromInline
    init(transient bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.keeper = .array([])
        self.position = 0
    }

    /// Whether every byte has been read.
    @inlinable
    public var isAtEnd: Bool { position >= bytes.count }

    /// How many bytes are left to read.
    @inlinable
    public var remainingCount: Int { bytes.count - position }

    /// The kind of the next value, without reading it.
    public func peekType() throws -> MessagePackType {
        let marker = try peekMarker(expected: "a value")
        guard let type = MessagePackType(marker: marker) else {
            throw MessagePackDecodingError(expected: "a value", found: "reserved byte 0xc1")
        }
        return type
    }

    /// Reads a nil if one comes next; otherwise reads nothing.
    @inlinable
    public mutating func readNilIfPresent() -> Bool {
        guard position < bytes.count, byte(at: position) == 0xc0 else { return false }
        position += 1
        return true
    }

    public mutating func readNil() throws {
        let marker = try peekMarker(expected: "nil")
        guard marker == 0xc0 else { throw mismatch(expected: "nil", marker: marker) }
        position += 1
    }

    @inlinable
    public mutating func readBool() throws -> Bool {
        let marker = try peekMarker(expected: "bool")
        switch marker {
        case 0xc2: position += 1; return false
        case 0xc3: position += 1; return true
        default: throw mismatch(expected: "bool", marker: marker)
        }
    }

    /// Reads any msgpack integer that fits `Int64` (Python sends positive ints in the
    /// unsigned formats).
    @inlinable
    public mutating func readInt64() throws -> Int64 {
        // A fixint, positive or negative, inline; the other formats out of line.
        if position < bytes.count {
            let marker = byte(at: position)
            if marker < 0x80 || marker >= 0xe0 {
                position += 1
                // A fixint is its own two's-complement byte: 0x00...0x7f and -32...-1.
                return Int64(Int8(bitPattern: marker))
            }
        }
        return try readAnyInt64()
    }

    @usableFromInline
    mutating func readAnyInt64() throws -> Int64 {
        let start = position
        switch try readInteger(expected: "int") {
        case .signed(let value): return value
        case .unsigned(let value):
            guard let value = Int64(exactly: value) else {
                position = start
                throw MessagePackDecodingError.outOfRange(expected: "int", found: "uint \(value), above Int64.max")
            }
            return value
        }
    }

    /// Reads any msgpack integer that fits `UInt64`.
    @inlinable
    public mutating func readUInt64() throws -> UInt64 {
        let start = position
        switch try readInteger(expected: "uint") {
        case .unsigned(let value): return value
        case .signed(let value):
            guard let value = UInt64(exactly: value) else {
                position = start
                throw MessagePackDecodingError.outOfRange(expected: "uint", found: "int \(value), below zero")
            }
            return value
        }
    }

    /// Reads a float64, a float32 or an integer as a `Double`.
    @inlinable
    public mutating func readDouble() throws -> Double {
        // A float64, as every peer packs a double, inline; the rest out of line.
        if position < bytes.count - 8 && byte(at: position) == 0xcb {
            let value = Double(bitPattern: load(UInt64.self, at: position + 1))
            position += 9
            return value
        }
        return try readAnyDouble()
    }

    @usableFromInline
    mutating func readAnyDouble() throws -> Double {
        let marker = try peekMarker(expected: "float")
        switch marker {
        case 0xcb: return Double(bitPattern: try readPayload(UInt64.self, expected: "float"))
        case 0xca: return Double(Float(bitPattern: try readPayload(UInt32.self, expected: "float")))
        default:
            // Anything but an integer is refused there, as a mismatch with "float".
            switch try readInteger(expected: "float") {
            case .signed(let value): return Double(value)
            case .unsigned(let value): return Double(value)
            }
        }
    }

    /// Reads a float32, a float64 within `Float`'s range, or an integer as a `Float`.
    public mutating func readFloat() throws -> Float {
        let start = position
        let value = try readDouble()
        let narrowed = Float(value)
        guard narrowed.isFinite || !value.isFinite else {
            position = start
            throw MessagePackDecodingError(expected: "float32", found: "float \(value), out of range")
        }
        return narrowed
    }

    /// Reads a str; invalid UTF-8 is an error. The string is the only allocation (none
    /// for the short strings Swift stores inline).
    @inlinable
    public mutating func readString() throws -> String {
        let start = position
        let range = try readStringRange()
        if range.count <= Self.smallStringCapacity && isASCII(range) {
            // Most field values: short ASCII, which the standard library stores inline
            // and, being ASCII, does not validate again.
            guard !range.isEmpty else { return "" }
            return withBytes(in: range) { utf8 in
                String(unsafeUninitializedCapacity: utf8.count) { buffer in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(utf8))
                    return utf8.count
                }
            }
        }
        guard let string = validatedString(in: range) else {
            position = start
            throw MessagePackDecodingError.invalidUTF8
        }
        return string
    }

    /// The str in `range` if it is valid UTF-8. Through `UTF8Span`: `String(validating:as:)`
    /// is generic over the encoding and, unspecialized, spent half of a struct decoder's
    /// instructions on metadata lookups.
    @usableFromInline
    func validatedString(in range: Range<Int>) -> String? {
        withBytes(in: range) { utf8 in
            guard let validated = try? UTF8Span(validating: utf8.span) else { return nil }
            return String(copying: validated)
        }
    }

    /// The longest UTF-8 a `String` holds inline, without an allocation, on 64-bit
    /// platforms (on others a short string may be allocated; the result is the same).
    @inlinable
    static var smallStringCapacity: Int { 15 }

    /// Whether every byte in `range` (at most 15 of them, bounds already checked) is
    /// below 0x80: two overlapping word loads, no loop, for the lengths of most names.
    @inlinable @inline(__always)
    func isASCII(_ range: Range<Int>) -> Bool {
        let count = range.count
        let first = range.lowerBound
        if count >= 8 {
            return (loadWord(UInt64.self, at: first) | loadWord(UInt64.self, at: first + count - 8))
                & 0x8080_8080_8080_8080 == 0
        }
        if count >= 4 {
            return (loadWord(UInt32.self, at: first) | loadWord(UInt32.self, at: first + count - 4)) & 0x8080_8080 == 0
        }
        var bits: UInt8 = 0
        for offset in range { bits |= byte(at: offset) }
        return bits < 0x80
    }

    /// Reads a bin (or a str's raw bytes, as some peers send bytes as str), copied once
    /// into the `Data`; a large one read from a received message is not copied at all
    /// (`LargePayload.threshold`).
    @inlinable
    public mutating func readBytes() throws -> Data {
        let range = try readBinaryRange()
        if range.count >= LargePayload.threshold, let shared = sharedData(in: range) { return shared }
        return withBytes(in: range) { Data(buffer: $0) }
    }

    /// The bytes in `range` as a `Data` that points into the received message this reader
    /// reads and keeps it alive, without a copy (`SharingByteOwner`); nil (copy instead)
    /// for a reader over other memory. `readBytes` calls it from `LargePayload.threshold` on.
    @usableFromInline
    func sharedData(in range: Range<Int>) -> Data? {
        guard case .object(let owner) = keeper, let sharing = owner as? any SharingByteOwner
        else { return nil }
        return sharing.sharedData(in: range)
    }

    /// Reads a bin (or a str's raw bytes) into an array: one allocation, one copy.
    mutating func readByteArray() throws -> [UInt8] {
        let range = try readBinaryRange()
        return withBytes(in: range) { Array($0) }
    }

    /// Reads msgpack's timestamp extension (type -1) in any of its three sizes.
    public mutating func readTimestamp() throws -> Timestamp {
        let start = position
        let (type, range) = try readExtensionRange(expected: "timestamp")
        guard type == -1 else {
            position = start
            throw MessagePackDecodingError(expected: "timestamp", found: "ext type \(type)")
        }
        switch range.count {
        case 4:
            return Timestamp(seconds: Int64(load(UInt32.self, at: range.lowerBound)))
        case 8:
            let packed = load(UInt64.self, at: range.lowerBound)
            let nanoseconds = UInt32(truncatingIfNeeded: packed >> 34)
            if nanoseconds < 1_000_000_000 {
                return Timestamp(seconds: Int64(packed & 0x3_ffff_ffff), nanoseconds: nanoseconds)
            }
        case 12:
            let nanoseconds = load(UInt32.self, at: range.lowerBound)
            if nanoseconds < 1_000_000_000 {
                let seconds = Int64(bitPattern: load(UInt64.self, at: range.lowerBound + 4))
                return Timestamp(seconds: seconds, nanoseconds: nanoseconds)
            }
        default:
            break
        }
        position = start
        throw MessagePackDecodingError(
            expected: "timestamp", found: "timestamp ext of \(range.count) bytes or nanoseconds over 1e9")
    }

    /// Reads an array header; the elements follow.
    @inlinable
    public mutating func readArrayHeader() throws -> Int {
        // A fixarray inline, under the same bound as below: one byte left per element.
        if position < bytes.count {
            let marker = byte(at: position)
            let count = Int(marker & 0x0f)
            if marker & 0xf0 == 0x90 && count < bytes.count - position {
                position += 1
                return count
            }
        }
        return try readAnyArrayHeader()
    }

    @usableFromInline
    mutating func readAnyArrayHeader() throws -> Int {
        let marker = try peekMarker(expected: "array")
        let start = position
        let count: Int
        switch marker {
        case 0x90...0x9f: position += 1; count = Int(marker & 0x0f)
        case 0xdc: count = Int(try readPayload(UInt16.self, expected: "array"))
        case 0xdd: count = Int(try readPayload(UInt32.self, expected: "array"))
        default: throw mismatch(expected: "array", marker: marker)
        }
        let left = remainingCount
        guard count <= left else {
            position = start
            throw MessagePackDecodingError.tooManyElements(count, kind: "array", left: left)
        }
        return count
    }

    /// Reads a map header; `count` key-value pairs follow.
    @inlinable
    public mutating func readMapHeader() throws -> Int {
        // A fixmap inline, under the same bound as below: two bytes left per pair.
        if position < bytes.count {
            let marker = byte(at: position)
            let count = Int(marker & 0x0f)
            if marker & 0xf0 == 0x80 && count <= (bytes.count - position - 1) / 2 {
                position += 1
                return count
            }
        }
        return try readAnyMapHeader()
    }

    @usableFromInline
    mutating func readAnyMapHeader() throws -> Int {
        let marker = try peekMarker(expected: "map")
        let start = position
        let count: Int
        switch marker {
        case 0x80...0x8f: position += 1; count = Int(marker & 0x0f)
        case 0xde: count = Int(try readPayload(UInt16.self, expected: "map"))
        case 0xdf: count = Int(try readPayload(UInt32.self, expected: "map"))
        default: throw mismatch(expected: "map", marker: marker)
        }
        let left = remainingCount / 2
        guard count <= left else {
            position = start
            throw MessagePackDecodingError.tooManyElements(count, kind: "map", left: left)
        }
        return count
    }

    /// Reads any extension value, the timestamp included.
    public mutating func readExtension() throws -> (type: Int8, data: Data) {
        let (type, range) = try readExtensionRange(expected: "ext")
        return (type, withBytes(in: range) { Data(buffer: $0) })
    }

    /// Reads past the next value, however deeply nested, without building it and without
    /// allocating (`endOfValue`).
    public mutating func skipValue() throws {
        if let end = endOfValue(at: position) {
            position = end
            return
        }
        try skipValueWithTypedReaders()
    }

    /// `skipValue` for a value `endOfValue` refused: walks it with the typed readers, which
    /// say what is wrong and where.
    mutating func skipValueWithTypedReaders() throws {
        let start = position
        do {
            // 512 bytes: small enough that the temporary allocation is always on the stack.
            try withUnsafeTemporaryAllocation(of: Int.self, capacity: 64) { stack in
                var open = OpenContainers(stack: stack)
                var pending = 1
                while pending > 0 {
                    pending -= 1
                    let marker = try peekMarker(expected: "a value")
                    switch MessagePackType(marker: marker) {
                    case .array?, .map?:
                        let elements =
                            MessagePackType(marker: marker) == .array
                            ? try readArrayHeader() : try readMapHeader() * 2
                        guard open.depth < Self.maximumDepth else {
                            throw MessagePackDecodingError(
                                expected: "nesting of at most \(Self.maximumDepth)", found: "deeper nesting")
                        }
                        open.push(pending)
                        pending = elements
                    case .string?, .binary?:
                        _ = marker >= 0xc4 && marker <= 0xc6 ? try readBytesRange() : try readStringRange()
                    case .extension?:
                        _ = try readExtensionRange(expected: "ext")
                    case .int?:
                        _ = try readInteger(expected: "int")
                    case .float?:
                        _ = try readDouble()
                    case .nil?, .bool?:
                        position += 1
                    case nil:
                        throw MessagePackDecodingError(expected: "a value", found: "reserved byte 0xc1")
                    }
                    while pending == 0 && open.depth > 0 {
                        pending = open.pop()
                    }
                }
            }
        } catch {
            position = start
            throw error
        }
    }

    /// Decodes the next value as `T`.
    @inlinable
    public mutating func read<T: MessagePackDecodable>(_ type: T.Type = T.self) throws -> T {
        try T(from: &self)
    }

    /// Runs `body`; a ``MessagePackDecodingError`` it throws gets `component` prepended to
    /// its path. The component is only built when decoding fails.
    @inlinable
    public mutating func decode<T>(
        at component: @autoclosure () -> String,
        _ body: (inout MessagePackReader) throws -> T
    ) throws -> T {
        do {
            return try body(&self)
        } catch let error as MessagePackDecodingError {
            throw error.prefixed(with: component())
        }
    }
}

/// The owner of received bytes a reader reads, when it can hand out a `Data` over them
/// without a copy: a received ZeroMQ message (`ReceivedMessage`). A protocol, so the
/// codec (and its fuzz target, which builds `Wire/MessagePack*.swift` alone) does not
/// depend on the transport.
protocol SharingByteOwner: AnyObject, Sendable {
    /// The bytes in `range` as a `Data` that keeps them alive, without a copy.
    func sharedData(in range: Range<Int>) -> Data
}
