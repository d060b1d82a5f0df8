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
//   `key(_:is:)`, skip) never reads out of bounds.

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
