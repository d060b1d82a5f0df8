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

    /// Reads `_zpc_throw [name]` or `[name, message]` (strings, the name not empty); nil
    /// for any other shape, which the server answers by ending the call with
    /// `ERR ProtocolError` (as for a malformed `_zpc_more`) rather than inventing a name.
    init?(decoding event: EventEnvelope) {
        var reader = event.argumentsReader()
        guard let count = try? reader.readArrayHeader(), (1...2).contains(count),
            let name = try? reader.readString(), !name.isEmpty
        else { return nil }
        var message = ""
        if count == 2 {
            guard let text = try? reader.readString() else { return nil }
            message = text
        }
        self.init(name: name, message: message)
    }
}
