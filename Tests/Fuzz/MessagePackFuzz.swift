// libFuzzer entry point for the MessagePack reader; built by `make fuzz` with swiftc
// (SwiftPM renames `main` in executables, which libFuzzer's own main trips over).
//
// Properties checked on every input:
// - reading never crashes, whatever the bytes;
// - the fuzz harness may crash on purpose (that is how libFuzzer learns of a failure);
// - a value that decodes re-encodes to bytes that decode to the same bytes again;
// - `skipValue()` accepts every value `MessagePackValue` accepts and stops at the same
//   place (it may accept more: it does not validate UTF-8);
// - a reader over memory it does not own (an exactly-sized `malloc` copy, so ASan sees
//   any read past its end) reads the same values as one over its own array;
// - the byte-matched key path of generated decoders (map header, `readStringKey`,
//   `key(_:is:)`, skip) never reads out of bounds;
// - each typed read's inline shortcut agrees with the general path it stands in for.

/// An exact-size heap copy of the input, freed when the last reader over it is gone.
final class FuzzInputCopy: @unchecked Sendable {
    let buffer: UnsafeMutableRawBufferPointer

    init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        buffer = .allocate(byteCount: size, alignment: 1)
        buffer.copyMemory(from: UnsafeRawBufferPointer(start: data, count: size))
    }

    deinit { buffer.deallocate() }
}

/// Reads maps the way a generated struct decoder does, matching keys against literals.
func readLikeAGeneratedDecoder(_ reader: inout MessagePackReader) throws -> Int {
    var matched = 0
    for _ in 0..<(try reader.readMapHeader()) {
        let key = try reader.readStringKey()
        if reader.key(key, is: "i") || reader.key(key, is: "id") || reader.key(key, is: "identity") {
            matched += 1
        }
        _ = reader.describe(key)
        if reader.readNilIfPresent() { continue }
        switch try reader.peekType() {
        case .map: matched += try readLikeAGeneratedDecoder(&reader)
        default: try reader.skipValue()
        }
    }
    return matched
}

/// The typed reads' inline shortcuts (fixstr, fixint, float64, fixarray, fixmap, short
/// ASCII strings) against the general paths they stand in for, at every offset of the
/// input: the same value and position, or both an error that consumes nothing.
func compareFastPaths(_ start: MessagePackReader) {
    func same<T: Equatable>(
        _ name: String, _ reader: MessagePackReader,
        _ fast: (inout MessagePackReader) throws -> T, _ general: (inout MessagePackReader) throws -> T
    ) {
        var quick = reader
        var slow = reader
        let quickValue = try? fast(&quick)
        let slowValue = try? general(&slow)
        guard quickValue == slowValue, quick.position == slow.position else {
            fatalError(
                "\(name) at \(reader.position): the shortcut read \(String(describing: quickValue)) to \(quick.position), the general path \(String(describing: slowValue)) to \(slow.position)"
            )
        }
    }
    var reader = start
    while !reader.isAtEnd {
        same("str", reader, { try $0.readStringRange() }, { try $0.readAnyStringRange() })
        same("int", reader, { try $0.readInt64() }, { try $0.readAnyInt64() })
        same("float", reader, { try $0.readDouble().bitPattern }, { try $0.readAnyDouble().bitPattern })
        same("array", reader, { try $0.readArrayHeader() }, { try $0.readAnyArrayHeader() })
        same("map", reader, { try $0.readMapHeader() }, { try $0.readAnyMapHeader() })
        same(
            "string", reader, { try $0.readString() },
            { reader in
                let begin = reader.position
                let range = try reader.readAnyStringRange()
                guard let string = reader.validatedString(in: range) else {
                    reader.position = begin
                    throw MessagePackDecodingError.invalidUTF8
                }
                return string
            })
        reader.position += 1
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessagePackReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let copy = FuzzInputCopy(data, size)
    var unowned = MessagePackReader(unsafeBytes: UnsafeRawBufferPointer(copy.buffer), owner: copy)
    var owned = MessagePackReader(bytes: bytes)
    // Compared as bytes re-encoded: a NaN is not equal to itself as a value.
    func reencoded(_ reader: inout MessagePackReader) -> [UInt8]? {
        guard let value = try? MessagePackValue(from: &reader) else { return nil }
        var writer = MessagePackWriter()
        writer.write(value)
        return writer.bytes
    }
    guard reencoded(&unowned) == reencoded(&owned), unowned.position == owned.position else {
        fatalError("the reader over unowned memory read something else")
    }
    var keyed = MessagePackReader(unsafeBytes: UnsafeRawBufferPointer(copy.buffer), owner: copy)
    _ = try? readLikeAGeneratedDecoder(&keyed)
    compareFastPaths(MessagePackReader(unsafeBytes: UnsafeRawBufferPointer(copy.buffer), owner: copy))
    var reader = MessagePackReader(bytes: bytes)
    var skipper = MessagePackReader(bytes: bytes)
    while !reader.isAtEnd {
        let value: MessagePackValue
        do {
            value = try MessagePackValue(from: &reader)
        } catch {
            return 0  // a clear error is the right answer to bad bytes
        }
        do {
            try skipper.skipValue()
        } catch {
            fatalError("skipValue rejected a value MessagePackValue read: \(error)")
        }
        guard skipper.position == reader.position else {
            fatalError("skipValue stopped at \(skipper.position), the value ends at \(reader.position)")
        }
        var writer = MessagePackWriter()
        writer.write(value)
        let once = writer.bytes
        var again = MessagePackReader(bytes: once)
        guard let reread = try? MessagePackValue(from: &again), again.isAtEnd else {
            fatalError("re-encoded value does not decode: \(value)")
        }
        var secondWriter = MessagePackWriter()
        secondWriter.write(reread)
        guard secondWriter.bytes == once else {
            fatalError("encoding is not stable for \(value)")
        }
    }
    return 0
}
