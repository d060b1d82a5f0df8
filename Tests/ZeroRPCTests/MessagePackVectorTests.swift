import Foundation
import Testing

@testable import ZeroRPC

/// Bytes packed by Python's msgpack (`Fixtures/make_msgpack_vectors.py`): we must read
/// each one back as the value Python meant, and write that value as the same bytes.
@Suite struct MessagePackVectorTests {
    struct Vectors: Decodable {
        struct Valid: Decodable {
            let name: String
            let hex: String
            let value: Description
        }
        struct Invalid: Decodable {
            let name: String
            let hex: String
            let error: String
        }
        let valid: [Valid]
        let invalid: [Invalid]
    }

    /// The typed JSON form the Python script writes for each value.
    indirect enum Description: Decodable {
        case value(MessagePackValue)

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            guard let key = container.allKeys.first else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "empty"))
            }
            switch key.stringValue {
            case "nil": self = .value(.nil)
            case "bool": self = .value(.bool(try container.decode(Bool.self, forKey: key)))
            case "int":
                let text = try container.decode(String.self, forKey: key)
                if let value = Int64(text) {
                    self = .value(.int(value))
                } else if let value = UInt64(text) {
                    self = .value(.uint(value))
                } else {
                    throw DecodingError.dataCorrupted(.init(codingPath: [key], debugDescription: text))
                }
            case "double":
                let bits = UInt64(try container.decode(String.self, forKey: key), radix: 16) ?? 0
                self = .value(.double(Double(bitPattern: bits)))
            case "float":
                let bits = UInt32(try container.decode(String.self, forKey: key), radix: 16) ?? 0
                self = .value(.float(Float(bitPattern: bits)))
            case "str": self = .value(.string(try container.decode(String.self, forKey: key)))
            case "bin": self = .value(.binary(Data(hex: try container.decode(String.self, forKey: key))))
            case "array":
                let elements = try container.decode([Description].self, forKey: key)
                self = .value(.array(elements.map(\.messagePackValue)))
            case "repeat":
                var pair = try container.nestedUnkeyedContainer(forKey: key)
                let count = try pair.decode(Int.self)
                let element = try pair.decode(Description.self)
                self = .value(.array(Array(repeating: element.messagePackValue, count: count)))
            case "map":
                let pairs = try container.decode([[Description]].self, forKey: key)
                self = .value(
                    .map(pairs.map { .init(key: $0[0].messagePackValue, value: $0[1].messagePackValue) }))
            case "timestamp":
                let parts = try container.decode([Int64].self, forKey: key)
                self = .value(.timestamp(Timestamp(seconds: parts[0], nanoseconds: UInt32(parts[1]))))
            case "ext":
                var pair = try container.nestedUnkeyedContainer(forKey: key)
                let type = try pair.decode(Int8.self)
                let data = Data(hex: try pair.decode(String.self))
                self = .value(.extension(type: type, data: data))
            default:
                throw DecodingError.dataCorrupted(.init(codingPath: [key], debugDescription: "unknown"))
            }
        }

        var messagePackValue: MessagePackValue {
            switch self { case .value(let value): value }
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    static let vectors: Vectors = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/msgpack_vectors.json")
        do {
            return try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
        } catch {
            Issue.record("cannot load \(url.path): \(error)")
            return Vectors(valid: [], invalid: [])
        }
    }()

    @Test func fixtureHasEveryFamily() {
        #expect(Self.vectors.valid.count >= 60)
        #expect(Self.vectors.invalid.count >= 5)
    }

    @Test(arguments: vectors.valid.map(\.name))
    func readsAndWritesLikePython(name: String) throws {
        let vector = try #require(Self.vectors.valid.first { $0.name == name })
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

    @Test(arguments: vectors.invalid.map(\.name))
    func rejectsMalformedBytesWithAPreciseError(name: String) throws {
        let vector = try #require(Self.vectors.invalid.first { $0.name == name })
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
