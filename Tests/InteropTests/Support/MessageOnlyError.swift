// The encoding of a declared error whose only field is its message, written once for
// the interop tests' `PlainError` and `ValueError`.
import ZeroRPC

/// `error Name { message: string }`, coded as the code generator codes it: a one-entry
/// map; decoding skips keys it does not know. Conformers give the wire name.
protocol MessageOnlyError: DeclaredError {
    var message: String { get }
    init(message: String)
}

extension MessageOnlyError {
    func encode(to writer: inout MessagePackWriter) {
        writer.writeMapHeader(1)
        writer.write("message")
        writer.write(message)
    }

    init(from reader: inout MessagePackReader) throws {
        var message: String?
        for _ in 0..<(try reader.readMapHeader()) {
            if try reader.readString() == "message" {
                message = try reader.read(String.self)
            } else {
                try reader.skipValue()
            }
        }
        guard let message else {
            throw MessagePackDecodingError(expected: "map with key \"message\"", found: "map without it")
        }
        self.init(message: message)
    }
}
