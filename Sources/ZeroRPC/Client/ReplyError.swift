/// Turns an `ERR [name, message, traceback]` event into the error the caller throws.
enum ReplyError {
    static func decode(_ reply: EventEnvelope, declaredErrors: [any DeclaredError.Type]) -> any Error {
        var reader = MessagePackReader(payload: reply.payload, startingAt: reply.argumentsRange.lowerBound)
        guard let fields = try? reader.read([MessagePackValue].self), let first = fields.first else {
            return RPCError.protocolViolation("ERR without [name, message, traceback]")
        }
        guard fields.count >= 2 else {
            // Protocol v1 peers send a single repr string.
            return RemoteError(name: "RemoteError", message: text(first))
        }
        let name = text(first)
        if let type = declaredErrors.first(where: { $0.wireName == name }),
            let fieldBytes = reply.headerFieldBytes("error")
        {
            var fieldReader = MessagePackReader(payload: reply.payload, startingAt: fieldBytes.startIndex)
            if let declared = try? type.init(from: &fieldReader) { return declared }
        }
        let traceback = fields.count >= 3 ? text(fields[2]) : ""
        return RemoteError(name: name, message: text(fields[1]), traceback: traceback.isEmpty ? nil : traceback)
    }

    private static func text(_ value: MessagePackValue) -> String {
        switch value {
        case .string(let string): string
        case .nil: ""
        default: value.description
        }
    }
}
