/// Turns an `ERR [name, message, traceback]` event into the error the caller throws.
enum ReplyError {
    static func decode(_ reply: EventEnvelope, declaredErrors: [any DeclaredError.Type]) -> any Error {
        var reader = reply.argumentsReader()
        guard let fields = try? reader.read([MessagePackValue].self), let first = fields.first else {
            return RPCError.protocolViolation("ERR without [name, message, traceback]")
        }
        guard fields.count >= 2 else {
            // Protocol v1 peers send a single repr string.
            return RemoteError(name: "RemoteError", message: text(first))
        }
        let name = text(first)
        let message = text(fields[1])
        if let type = declaredErrors.first(where: { $0.wireName == name }) {
            if let fieldBytes = reply.headerFieldBytes("error") {
                var fieldReader = MessagePackReader(payload: reply.payload, startingAt: fieldBytes.startIndex)
                if let declared = try? type.init(from: &fieldReader) { return declared }
            } else if let declared = fromMessage(type, message) {
                return declared
            }
        }
        let traceback = fields.count >= 3 ? text(fields[2]) : ""
        return RemoteError(name: name, message: message, traceback: traceback.isEmpty ? nil : traceback)
    }

    /// A stock server (Python's `raise ValueError("boom")`) sends no fields, only the
    /// exception's name and text: a declared error of that name whose fields decode from
    /// `{message: text}` alone (a single `message: string`, the rest optional) is built
    /// from it. Any other declared error stays a `RemoteError` (docs/IDL.md, "Errors").
    private static func fromMessage(_ type: any DeclaredError.Type, _ message: String) -> (any DeclaredError)? {
        var writer = MessagePackWriter()
        writer.writeMapHeader(1)
        writer.write("message")
        writer.write(message)
        var reader = MessagePackReader(payload: writer.bytes, startingAt: 0)
        return try? type.init(from: &reader)
    }

    private static func text(_ value: MessagePackValue) -> String {
        switch value {
        case .string(let string): string
        case .nil: ""
        default: value.description
        }
    }
}
