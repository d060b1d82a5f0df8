import Foundation

/// What generated decoders read with: map keys and enum cases matched as bytes against
/// static literals (no `String` per key), and field decoding that names the field in an
/// error without a closure on the success path.
extension MessagePackReader {
    /// A str that was read but not decoded: where its UTF-8 bytes lie in the reader.
    /// Compare it with ``key(_:is:)``; it is only meaningful to the reader that read it.
    public struct StringKey: Sendable, Hashable {
        @usableFromInline let start: Int
        @usableFromInline let count: Int

        @inlinable
        init(_ range: Range<Int>) {
            start = range.lowerBound
            count = range.count
        }

        @usableFromInline var range: Range<Int> { start..<(start + count) }
    }

    /// Reads a str without decoding it (nor validating its UTF-8: bytes that are not
    /// UTF-8 simply match no literal).
    @inlinable
    public mutating func readStringKey() throws -> StringKey {
        StringKey(try readStringRange())
    }

    /// Whether `key`'s bytes are exactly `literal`'s UTF-8.
    @inlinable @inline(__always)
    public func key(_ key: StringKey, is literal: StaticString) -> Bool {
        literal.withUTF8Buffer { expected in
            guard key.count == expected.count else { return false }
            guard key.count > 0, let expectedBase = expected.baseAddress else { return true }
            return withBytes(in: key.range) { actual in
                actual.baseAddress.map { memcmp($0, expectedBase, key.count) == 0 } ?? false
            }
        }
    }

    /// The key's text for an error message; invalid UTF-8 is shown repaired.
    public func describe(_ key: StringKey) -> String {
        withBytes(in: key.range) { String(decoding: $0, as: UTF8.self) }.debugDescription
    }

    /// Decodes the next value as `T`, the value of field `field`: an error it throws gets
    /// the field's name prepended to its path.
    @inlinable
    public mutating func read<T: MessagePackDecodable>(_ type: T.Type, field: StaticString) throws -> T {
        do {
            return try T(from: &self)
        } catch let error as MessagePackDecodingError {
            throw error.prefixed(with: field.description)
        }
    }

    /// Decodes the next value as `T`, element `index` of an array: an error it throws
    /// gets `[index]` prepended to its path.
    @inlinable
    public mutating func read<T: MessagePackDecodable>(_ type: T.Type, index: Int) throws -> T {
        do {
            return try T(from: &self)
        } catch let error as MessagePackDecodingError {
            throw error.prefixed(with: "[\(index)]")
        }
    }
}

extension MessagePackDecodingError {
    /// A map that lacks a required field, as generated decoders report it.
    public static func missingField(_ name: StaticString) -> MessagePackDecodingError {
        MessagePackDecodingError(expected: "map with key \"\(name)\"", found: "map without it")
    }
}
