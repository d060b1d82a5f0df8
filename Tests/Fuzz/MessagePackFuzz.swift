// libFuzzer entry point for the MessagePack reader; built by `make fuzz` with swiftc
// (SwiftPM renames `main` in executables, which libFuzzer's own main trips over).
//
// Properties checked on every input:
// - reading never crashes, whatever the bytes;
// - the fuzz harness may crash on purpose (that is how libFuzzer learns of a failure);
// - a value that decodes re-encodes to bytes that decode to the same bytes again;
// - `skipValue()` accepts every value `MessagePackValue` accepts and stops at the same
//   place (it may accept more: it does not validate UTF-8).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessagePackReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
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
