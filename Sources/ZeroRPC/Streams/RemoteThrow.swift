/// An error a client threw into a two-way generator with `Generator.throw(_:)`.
///
/// Inside the handler, `GeneratorContext.yield(_:)` throws it; the handler may catch it
/// and keep yielding, or let it escape, which ends the call with `ERR [name, message]`.
/// On the wire it is `_zpc_throw [name, message]`.
public struct RemoteThrow: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error's name, like a Python exception class name (`"ValueError"`).
    public let name: String
    /// The human-readable message.
    public let message: String

    /// An error to throw into a remote generator.
    public init(name: String, message: String) {
        self.name = name
        self.message = message
    }

    public var description: String { message.isEmpty ? name : "\(name): \(message)" }

    /// The args of `_zpc_throw [name, message]`.
    var encodedArguments: [UInt8] {
        var bytes: [UInt8] = [0x92]
        EventEncoder.appendString(name, to: &bytes)
        EventEncoder.appendString(message, to: &bytes)
        return bytes
    }

    /// Reads `_zpc_throw [name, message]`; anything malformed reads as a bare `Exception`.
    init(decoding event: EventEnvelope) {
        var reader = MessagePackReader(payload: event.payload, startingAt: event.argumentsRange.lowerBound)
        let count = (try? reader.readArrayHeader()) ?? 0
        let name = count >= 1 ? (try? reader.readString()) : nil
        let message = count >= 2 ? (try? reader.readString()) : nil
        self.init(name: name ?? "Exception", message: message ?? "")
    }
}
