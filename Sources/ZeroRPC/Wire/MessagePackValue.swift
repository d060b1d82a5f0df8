import Foundation

/// Any MessagePack value: the IDL's `any`, the dynamic API's arguments and results, and
/// what introspection returns.
///
/// Integers that fit `Int64` decode as ``int(_:)`` whichever format carried them; only
/// values above `Int64.max` are ``uint(_:)``. Maps keep their order.
public enum MessagePackValue: Sendable, Hashable {
    case `nil`
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case float(Float)
    case double(Double)
    case string(String)
    case binary(Data)
    case array([MessagePackValue])
    case map([Entry])
    case timestamp(Timestamp)
    case `extension`(type: Int8, data: Data)

    /// One key-value pair of a map.
    public struct Entry: Sendable, Hashable {
        public var key: MessagePackValue
        public var value: MessagePackValue

        public init(key: MessagePackValue, value: MessagePackValue) {
            self.key = key
            self.value = value
        }
    }

    /// The value `value` encodes to.
    public init<T: MessagePackEncodable>(encoding value: T) throws {
        var writer = MessagePackWriter()
        value.encode(to: &writer)
        var reader = MessagePackReader(bytes: writer.bytes)
        self = try MessagePackValue(from: &reader)
    }

    /// Decodes this value as `T`, as if it had arrived on the wire.
    public func decoded<T: MessagePackDecodable>(as type: T.Type = T.self) throws -> T {
        var writer = MessagePackWriter()
        encode(to: &writer)
        var reader = MessagePackReader(bytes: writer.bytes)
        return try T(from: &reader)
    }
}

// MARK: - Reading values out

extension MessagePackValue {
    public var isNil: Bool { self == .nil }

    public var boolValue: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// The value as `Int64`, from either integer case when it fits.
    public var int64Value: Int64? {
        switch self {
        case .int(let value): value
        case .uint(let value): Int64(exactly: value)
        default: nil
        }
    }

    /// The value as `UInt64`, from either integer case when it fits.
    public var uint64Value: UInt64? {
        switch self {
        case .int(let value): UInt64(exactly: value)
        case .uint(let value): value
        default: nil
        }
    }

    /// The value as `Double`, from a float or an integer.
    public var doubleValue: Double? {
        switch self {
        case .double(let value): value
        case .float(let value): Double(value)
        case .int(let value): Double(value)
        case .uint(let value): Double(value)
        default: nil
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    public var dataValue: Data? {
        if case .binary(let value) = self { value } else { nil }
    }

    public var arrayValue: [MessagePackValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    public var mapValue: [Entry]? {
        if case .map(let value) = self { value } else { nil }
    }

    /// The element at `index` of an array, or nil.
    public subscript(index: Int) -> MessagePackValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// The value of the first entry whose key is the str `key`, or nil.
    public subscript(key: String) -> MessagePackValue? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.key == .string(key) }?.value
    }
}

// MARK: - Literals

extension MessagePackValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .nil }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: MessagePackValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (MessagePackValue, MessagePackValue)...) {
        self = .map(elements.map { Entry(key: $0.0, value: $0.1) })
    }
}

// MARK: - Encoding and decoding

extension MessagePackValue: MessagePackCodable {
    public func encode(to writer: inout MessagePackWriter) {
        switch self {
        case .nil: writer.writeNil()
        case .bool(let value): writer.write(value)
        case .int(let value): writer.write(value)
        case .uint(let value): writer.write(value)
        case .float(let value): writer.write(value)
        case .double(let value): writer.write(value)
        case .string(let value): writer.write(value)
        case .binary(let value): writer.write(value)
        case .timestamp(let value): writer.write(value)
        case .extension(let type, let data): writer.writeExtension(type: type, data: data)
        case .array(let elements):
            writer.writeArrayHeader(elements.count)
            for element in elements { element.encode(to: &writer) }
        case .map(let entries):
            writer.writeMapHeader(entries.count)
            for entry in entries {
                entry.key.encode(to: &writer)
                entry.value.encode(to: &writer)
            }
        }
    }

    public init(from reader: inout MessagePackReader) throws {
        let start = reader.position
        do {
            self = try Self.read(from: &reader, depth: 0)
        } catch {
            reader.position = start
            throw error
        }
    }

    private static func read(from reader: inout MessagePackReader, depth: Int) throws -> MessagePackValue {
        switch try reader.peekType() {
        case .nil:
            try reader.readNil()
            return .nil
        case .bool:
            return .bool(try reader.readBool())
        case .int:
            switch try reader.readInteger(expected: "int") {
            case .signed(let value): return .int(value)
            case .unsigned(let value): return Int64(exactly: value).map(MessagePackValue.int) ?? .uint(value)
            }
        case .float:
            if try reader.peekMarker(expected: "float") == 0xca {
                return .float(Float(bitPattern: try reader.readPayload(UInt32.self, expected: "float")))
            }
            return .double(try reader.readDouble())
        case .string:
            return .string(try reader.readString())
        case .binary:
            return .binary(try reader.readBytes())
        case .extension:
            let start = reader.position
            let (type, data) = try reader.readExtension()
            if type == -1 {
                reader.position = start
                return .timestamp(try reader.readTimestamp())
            }
            return .extension(type: type, data: data)
        case .array, .map:
            guard depth < MessagePackReader.maximumDepth else {
                throw MessagePackDecodingError(
                    expected: "nesting of at most \(MessagePackReader.maximumDepth)", found: "deeper nesting")
            }
            if try reader.peekType() == .array {
                let count = try reader.readArrayHeader()
                var elements: [MessagePackValue] = []
                elements.reserveCapacity(count)
                for index in 0..<count {
                    elements.append(try reader.decode(at: "[\(index)]") { try read(from: &$0, depth: depth + 1) })
                }
                return .array(elements)
            }
            let count = try reader.readMapHeader()
            var entries: [Entry] = []
            entries.reserveCapacity(count)
            for _ in 0..<count {
                let key = try read(from: &reader, depth: depth + 1)
                let value = try reader.decode(at: "[\(key)]") { try read(from: &$0, depth: depth + 1) }
                entries.append(Entry(key: key, value: value))
            }
            return .map(entries)
        }
    }
}

// MARK: - Description

extension MessagePackValue: CustomStringConvertible {
    /// A Python-like rendering: `{"a": [1, 2.5, nil]}`.
    public var description: String {
        switch self {
        case .nil: "nil"
        case .bool(let value): "\(value)"
        case .int(let value): "\(value)"
        case .uint(let value): "\(value)"
        case .float(let value): "\(value)"
        case .double(let value): "\(value)"
        case .string(let value): value.debugDescription
        case .binary(let value): "b'" + value.map { String(format: "%02x", $0) }.joined() + "'"
        case .timestamp(let value): "Timestamp(\(value))"
        case .extension(let type, let data): "ExtType(\(type), \(data.count) bytes)"
        case .array(let elements): "[" + elements.map(\.description).joined(separator: ", ") + "]"
        case .map(let entries): "{" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}
