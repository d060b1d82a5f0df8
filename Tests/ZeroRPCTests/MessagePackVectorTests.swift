import Foundation
import Testing

@testable import ZeroRPC

/// Bytes packed by Python's msgpack (`Fixtures/make_msgpack_vectors.py`): we must read
/// each one back as the value Python meant, and write that value as the same bytes.
@Suite struct MessagePackVectorTests {
    struct Vectors: Decodable, Sendable {
        struct Valid: Decodable, Sendable {
            let name: String
            let hex: String
            let value: Description
        }
        struct Invalid: Decodable, Sendable {
            let name: String
            let hex: String
            let error: String
        }
        let valid: [Valid]
        let invalid: [Invalid]
    }

    /// The typed JSON form the Python script writes for each value. It holds only text
    /// (no `Data`), so the static fixture keeps nothing LeakSanitizer could lose track of.
    indirect enum Description: Decodable, Sendable {
        case `nil`
        case bool(Bool)
        case int(String)
        case double(bits: String)
        case float(bits: String)
        case string(String)
        case binary(hex: String)
        case array([Description])
        case repeated(count: Int, Description)
        case map([[Description]])
        case timestamp([Int64])
        case `extension`(type: Int8, hex: String)

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            guard let key = container.allKeys.first else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "empty"))
            }
            switch key.stringValue {
            case "nil": self = .nil
            case "bool": self = .bool(try container.decode(Bool.self, forKey: key))
            case "int": self = .int(try container.decode(String.self, forKey: key))
            case "double": self = .double(bits: try container.decode(String.self, forKey: key))
            case "float": self = .float(bits: try container.decode(String.self, forKey: key))
            case "str": self = .string(try container.decode(String.self, forKey: key))
            case "bin": self = .binary(hex: try container.decode(String.self, forKey: key))
            case "array": self = .array(try container.decode([Description].self, forKey: key))
            case "repeat":
                var pair = try container.nestedUnkeyedContainer(forKey: key)
                self = .repeated(count: try pair.decode(Int.self), try pair.decode(Description.self))
            case "map": self = .map(try container.decode([[Description]].self, forKey: key))
            case "timestamp": self = .timestamp(try container.decode([Int64].self, forKey: key))
            case "ext":
                var pair = try container.nestedUnkeyedContainer(forKey: key)
                self = .extension(type: try pair.decode(Int8.self), hex: try pair.decode(String.self))
            default:
                throw DecodingError.dataCorrupted(.init(codingPath: [key], debugDescription: "unknown"))
            }
        }

        var messagePackValue: MessagePackValue {
            switch self {
            case .nil: .nil
            case .bool(let value): .bool(value)
            case .int(let text): Int64(text).map(MessagePackValue.int) ?? .uint(UInt64(text) ?? 0)
            case .double(let bits): .double(Double(bitPattern: UInt64(bits, radix: 16) ?? 0))
            case .float(let bits): .float(Float(bitPattern: UInt32(bits, radix: 16) ?? 0))
            case .string(let value): .string(value)
            case .binary(let hex): .binary(Data(hex: hex))
            case .array(let elements): .array(elements.map(\.messagePackValue))
            case .repeated(let count, let element): .array(Array(repeating: element.messagePackValue, count: count))
            case .map(let pairs): .map(pairs.map { .init(key: $0[0].messagePackValue, value: $0[1].messagePackValue) })
            case .timestamp(let parts): .timestamp(Timestamp(seconds: parts[0], nanoseconds: UInt32(parts[1])))
            case .extension(let type, let hex): .extension(type: type, data: Data(hex: hex))
            }
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    /// Decoded afresh by each test rather than kept in a static: LeakSanitizer cannot
    /// follow Swift's tagged enum payloads and would report a static tree as leaked.
    static func loadVectors() throws -> Vectors {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/msgpack_vectors.json")
        return try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
    }

    /// Test-case names, read without decoding the values.
    static let validNames = names(in: "valid")
    static let invalidNames = names(in: "invalid")

    private static func names(in section: String) -> [String] {
        struct Named: Decodable { let name: String }
        struct Sections: Decodable { let valid: [Named]; let invalid: [Named] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/msgpack_vectors.json")
        guard let data = try? Data(contentsOf: url),
            let sections = try? JSONDecoder().decode(Sections.self, from: data)
        else { return ["fixture missing: \(url.path)"] }
        return (section == "valid" ? sections.valid : sections.invalid).map(\.name)
    }

    @Test func fixtureHasEveryFamily() throws {
        let vectors = try Self.loadVectors()
        #expect(vectors.valid.count >= 60)
        #expect(vectors.invalid.count >= 5)
    }

    @Test(arguments: validNames)
    func readsAndWritesLikePython(name: String) throws {
        let vector = try #require(try Self.loadVectors().valid.first { $0.name == name })
        let bytes = [UInt8](Data(hex: vector.hex))
        let expected = vector.value.messagePackValue

        var reader = MessagePackReader(bytes: bytes)
        let decoded = try MessagePackValue(from: &reader)
        #expect(reader.isAtEnd)
        #expect(encoded(decoded) == bytes, "re-encoding what we read changes the bytes")
        #expect(encoded(expected) == bytes, "we encode the value differently from Python")
        if case .double(let value) = expected, value.isNaN {
            #expect(decoded.doubleValue?.isNaN == true)
        } else {
            #expect(decoded == expected)
        }

        var skipper = MessagePackReader(bytes: bytes)
        try skipper.skipValue()
        #expect(skipper.isAtEnd)
    }

    @Test(arguments: invalidNames)
    func rejectsMalformedBytesWithAPreciseError(name: String) throws {
        let vector = try #require(try Self.loadVectors().invalid.first { $0.name == name })
        var reader = MessagePackReader(bytes: [UInt8](Data(hex: vector.hex)))
        let error = try #require(throws: MessagePackDecodingError.self) {
            try MessagePackValue(from: &reader)
        }
        #expect(error.description == vector.error)
        #expect(reader.position == 0, "a failed read must not consume")
    }

    private func encoded(_ value: MessagePackValue) -> [UInt8] {
        var writer = MessagePackWriter()
        writer.write(value)
        return writer.bytes
    }
}

extension Data {
    init(hex: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.utf8.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        self.init(bytes)
    }
}
