import Foundation

/// A type that writes itself as MessagePack. Generated types conform with straight-line
/// code; nothing on the hot path goes through `Codable`.
public protocol MessagePackEncodable {
    func encode(to writer: inout MessagePackWriter)
}

/// A type that reads itself from MessagePack.
public protocol MessagePackDecodable {
    init(from reader: inout MessagePackReader) throws
}

public typealias MessagePackCodable = MessagePackEncodable & MessagePackDecodable

/// A type that can be a key of a map on the wire. Keys always go out as str, because
/// Python's msgpack drops a whole message with an int key; decoders accept int keys too.
public protocol MessagePackMapKey: Hashable {
    /// The key as it goes on the wire.
    var messagePackKey: String { get }
    /// The key read back from a str key; nil when the text names no key.
    init?(messagePackKey: String)
}

extension String: MessagePackMapKey {
    public var messagePackKey: String { self }
    public init?(messagePackKey: String) { self = messagePackKey }
}

extension Int64: MessagePackMapKey {
    public var messagePackKey: String { String(self) }
    public init?(messagePackKey: String) { self.init(messagePackKey) }
}

extension Bool: MessagePackCodable {
    @inlinable public func encode(to writer: inout MessagePackWriter) { writer.write(self) }
    @inlinable public init(from reader: inout MessagePackReader) throws { self = try reader.readBool() }
}

extension Int64: MessagePackCodable {
    @inlinable public func encode(to writer: inout MessagePackWriter) { writer.write(self) }
    @inlinable public init(from reader: inout MessagePackReader) throws { self = try reader.readInt64() }
}

extension UInt64: MessagePackCodable {
    @inlinable public func encode(to writer: inout MessagePackWriter) { writer.write(self) }
    @inlinable public init(from reader: inout MessagePackReader) throws { self = try reader.readUInt64() }
}

extension Double: MessagePackCodable {
    @inlinable public func encode(to writer: inout MessagePackWriter) { writer.write(self) }
    @inlinable public init(from reader: inout MessagePackReader) throws { self = try reader.readDouble() }
}

extension Float: MessagePackCodable {
    @inlinable public func encode(to writer: inout MessagePackWriter) { writer.write(self) }
    @inlinable public init(from reader: inout MessagePackReader) throws { self = try reader.readFloat() }
}

extension String: MessagePackCodable {
    @inlinable public func encode(to writer: inout MessagePackWriter) { writer.write(self) }
    @inlinable public init(from reader: inout MessagePackReader) throws { self = try reader.readString() }
}

extension Data: MessagePackCodable {
    @inlinable public func encode(to writer: inout MessagePackWriter) { writer.write(self) }
    @inlinable public init(from reader: inout MessagePackReader) throws { self = try reader.readBytes() }
}

extension Timestamp: MessagePackCodable {
    @inlinable public func encode(to writer: inout MessagePackWriter) { writer.write(self) }
    @inlinable public init(from reader: inout MessagePackReader) throws { self = try reader.readTimestamp() }
}

extension Optional: MessagePackEncodable where Wrapped: MessagePackEncodable {
    @inlinable
    public func encode(to writer: inout MessagePackWriter) {
        switch self {
        case .some(let value): value.encode(to: &writer)
        case .none: writer.writeNil()
        }
    }
}

extension Optional: MessagePackDecodable where Wrapped: MessagePackDecodable {
    @inlinable
    public init(from reader: inout MessagePackReader) throws {
        self = reader.readNilIfPresent() ? nil : try Wrapped(from: &reader)
    }
}

extension Array: MessagePackEncodable where Element: MessagePackEncodable {
    /// After the first element, room for the rest at its size is reserved at once (capped
    /// at `MessagePackWriter.extrapolationLimit`, 1 MiB): one regrowth instead of one per doubling.
    ///
    /// Each element is read by value, which copies it (a retain and release of every
    /// reference in it): the optimizer cannot prove that the writer's stores leave the
    /// array's memory alone. Encoding through an `inout` access to the element avoided
    /// that and saved a quarter of a struct array's encoding, but an `inout` access is a
    /// modifying access under the law of exclusivity, so two tasks encoding one shared
    /// array would be an access race (ThreadSanitizer reports it); measured and not kept.
    @inlinable
    public func encode(to writer: inout MessagePackWriter) {
        writer.writeArrayHeader(count)
        guard let first else { return }
        // The buffer's own growth (`written`), not `count`: a large `Data` held by
        // reference takes no room in the buffer.
        let start = writer.written
        first.encode(to: &writer)
        let estimate = (writer.written - start).multipliedReportingOverflow(by: count - 1)
        let limit = MessagePackWriter.extrapolationLimit
        writer.reserveCapacity(additional: estimate.overflow ? limit : Swift.min(estimate.partialValue, limit))
        for index in 1..<count { self[index].encode(to: &writer) }
    }
}

extension Array: MessagePackDecodable where Element: MessagePackDecodable {
    /// Reserves the header's count (already bounded by the bytes left), then appends.
    /// Not `Array(unsafeUninitializedCapacity:)`: it allocates through a stdlib function
    /// that is never specialized, which looks the storage class's generic metadata up in
    /// the runtime's cache on every call (~650 instructions an array); `reserveCapacity`
    /// is emitted into this module and specialized, so the metadata comes from a cached
    /// accessor.
    @inlinable
    public init(from reader: inout MessagePackReader) throws {
        let count = try reader.readArrayHeader()
        self = []
        reserveCapacity(count)
        for index in 0..<count {
            append(try reader.read(Element.self, index: index))
        }
    }
}

extension Dictionary: MessagePackEncodable where Key: MessagePackMapKey, Value: MessagePackEncodable {
    public func encode(to writer: inout MessagePackWriter) {
        writer.writeMapHeader(count)
        for (key, value) in self {
            writer.write(key.messagePackKey)
            value.encode(to: &writer)
        }
    }
}

extension Dictionary: MessagePackDecodable where Key: MessagePackMapKey, Value: MessagePackDecodable {
    public init(from reader: inout MessagePackReader) throws {
        let count = try reader.readMapHeader()
        self = [:]
        reserveCapacity(count)
        for _ in 0..<count {
            let key = try reader.readMapKey(Key.self)
            do {
                self[key] = try Value(from: &reader)
            } catch let error as MessagePackDecodingError {
                throw error.prefixed(with: "[\(key.messagePackKey.debugDescription)]")
            }
        }
    }
}

extension MessagePackReader {
    /// Reads a map key as `Key`: a str (the normal case) or an int, as its decimal text.
    public mutating func readMapKey<Key: MessagePackMapKey>(_ type: Key.Type) throws -> Key {
        let start = position
        let text: String
        if try peekType() == .int {
            switch try readInteger(expected: "map key") {
            case .signed(let value): text = String(value)
            case .unsigned(let value): text = String(value)
            }
        } else {
            text = try readString()
        }
        guard let key = Key(messagePackKey: text) else {
            position = start
            throw MessagePackDecodingError(expected: "map key of type \(Key.self)", found: text.debugDescription)
        }
        return key
    }
}
