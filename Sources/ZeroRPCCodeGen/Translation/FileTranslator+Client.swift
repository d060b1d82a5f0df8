import ZeroRPCSchema

extension FileTranslator {
    /// `Client`: each call encodes its positional arguments and decodes its result
    /// through the runtime's typed call API.
    func clientStruct(_ service: ServiceDefinition, _ signatures: [MethodSignature]) {
        printer.documentation(["Calls `\(service.name.wire)` on a server through a `ZeroRPC.Client`."])
        printer.block("\(access)struct Client: ClientProtocol") {
            printer.documentation(["The connection the calls go through."])
            printer.line("\(access)let client: ZeroRPC.Client")
            printer.blankLine()
            printer.block("\(access)init(_ client: ZeroRPC.Client)") {
                printer.line("self.client = client")
            }
            for signature in signatures {
                // A deferred method's plain call is the protocol extension's default.
                for call in clientCalls(signature) where !isMockDefault(call, signature) {
                    printer.blankLine()
                    documentation(call.documentation)
                    signature.availability.map(printer.line)
                    printer.declaration(call.declaration(access: access)) {
                        clientBody(of: call, signature)
                    }
                }
            }
        }
    }

    private func clientBody(of call: ClientCall, _ signature: MethodSignature) {
        let wireName = SwiftSpelling.stringLiteral(signature.wireName)
        if call.name == signature.resumeName {
            printer.line("self.client.resumeDeferred(")
            printer.indented {
                printer.line("token, declaredErrors: \(signature.declaredErrors),")
                resultDecoder(signature, last: true)
            }
            printer.line(")")
            return
        }
        switch signature.method.kind {
        case .oneway:
            callScope("try await self.client.oneway(") {
                printer.line("\(wireName), options: options,")
                argumentsEncoder(signature, last: true)
            }
        case .unary:
            let function = call.name == signature.startName ? "startDeferred" : "unary"
            callScope("try await self.client.\(function)(") {
                callHeader(wireName, signature)
                argumentsEncoder(signature, last: false)
                resultDecoder(signature, last: true)
            }
        case .stream(let element):
            callScope("try await self.client.stream(") {
                callHeader(wireName, signature)
                argumentsEncoder(signature, last: false)
                printer.line("element: \(SwiftSpelling.type(element)).self")
            }
        case .generator(let yield, let sent):
            callScope("try await self.client.generator(") {
                callHeader(wireName, signature)
                argumentsEncoder(signature, last: false)
                printer.packed(
                    ["yield: \(SwiftSpelling.type(yield)).self", "sent: \(SwiftSpelling.type(sent)).self"], suffix: "")
            }
        }
    }

    /// `"calc.add", options: options, declaredErrors: […],`: the call's leading arguments.
    private func callHeader(_ wireName: String, _ signature: MethodSignature) {
        printer.packed([wireName, "options: options", "declaredErrors: \(signature.declaredErrors)"], suffix: ",")
    }

    private func callScope(_ opening: String, _ body: () -> Void) {
        printer.scope(opening: opening, closing: ")", body)
    }

    /// `arguments: { writer in … }`: the positional argument array.
    func argumentsEncoder(_ signature: MethodSignature, last: Bool) {
        let writer = uniqueName("writer", avoiding: signature.method.parameters.map(\.name))
        let suffix = last ? "" : ","
        let parameters = signature.method.parameters
        guard !parameters.isEmpty else {
            printer.line("arguments: { \(writer) in \(writer).writeArrayHeader(0) }\(suffix)")
            return
        }
        printer.scope(opening: "arguments: { \(writer) in", closing: "}\(suffix)") {
            printer.line("\(writer).writeArrayHeader(\(parameters.count))")
            for parameter in parameters {
                printer.line("\(writer).write(\(parameter.name.escapedSwift))")
            }
        }
    }

    /// `result: { reader in … }`: decodes the single result value.
    private func resultDecoder(_ signature: MethodSignature, last: Bool) {
        let suffix = last ? "" : ","
        if case .unary(let returns?) = signature.method.kind {
            printer.line("result: { reader in try reader.read(\(SwiftSpelling.type(returns)).self) }\(suffix)")
        } else {
            printer.line("result: { reader in try reader.skipValue() }\(suffix)")
        }
    }
}
