import ZeroRPCSchema

extension FileTranslator {
    /// A `service`: an enum namespace holding `Service`, `ClientProtocol`, `Client` and,
    /// when it has one-way methods, the event senders; then the method table of
    /// `Service` and the `options:`-less client calls.
    func translateService(_ service: ServiceDefinition) {
        let signatures = service.methods.map { MethodSignature($0, namespace: service.namespace) }
        let name = service.name.escapedSwift
        documentation(service.documentation, deprecation: service.deprecation)
        printer.block("\(access)enum \(name)") {
            serviceProtocol(service, signatures)
            printer.blankLine()
            clientProtocol(service, signatures)
            printer.blankLine()
            clientStruct(service, signatures)
            eventTypes(service, signatures)
        }
        printer.blankLine()
        methodTable(service, signatures)
        printer.blankLine()
        clientConveniences(service, signatures)
    }

    private func serviceProtocol(_ service: ServiceDefinition, _ signatures: [MethodSignature]) {
        printer.documentation([
            "The server side of `\(service.name.wire)`: implement it and pass an instance to `ZeroRPC.Server.register(_:)`."
        ])
        printer.block("\(access)protocol Service: ZeroRPC.RegistrableService") {
            for signature in signatures {
                printer.blankLine()
                documentation(signature.documentation)
                printer.declaration(signature.serviceRequirement)
            }
        }
    }

    private func clientProtocol(_ service: ServiceDefinition, _ signatures: [MethodSignature]) {
        printer.documentation([
            "The calls of `\(service.name.wire)`, as a protocol so tests can substitute their own client."
        ])
        printer.block("\(access)protocol ClientProtocol: Sendable") {
            for signature in signatures {
                for call in clientCalls(signature) {
                    printer.blankLine()
                    documentation(call.documentation)
                    signature.availability.map(printer.line)
                    printer.declaration(call.declaration(access: ""))
                }
            }
        }
    }

    /// The client calls of one method: the call itself, plus `startX`/`resumeX` for
    /// `@deferred` methods.
    func clientCalls(_ signature: MethodSignature) -> [ClientCall] {
        let parameters = signature.parameters(withDefaults: false) + ["options: ZeroRPC.CallOptions"]
        var calls = [
            ClientCall(
                name: signature.swiftName, parameters: parameters, effects: "async throws",
                result: signature.clientResult, documentation: signature.documentation, takesOptions: true)
        ]
        if signature.method.isDeferred {
            let deferred = "ZeroRPC.Deferred<\(signature.deferredResult)>"
            calls.append(
                ClientCall(
                    name: signature.startName, parameters: parameters, effects: "async throws", result: deferred,
                    documentation: [
                        "Starts `\(signature.method.name.wire)` and returns a handle to poll or await; its token works from any process."
                    ],
                    takesOptions: true))
            calls.append(
                ClientCall(
                    name: signature.resumeName, parameters: ["token: ZeroRPC.DeferredToken"], effects: "",
                    result: deferred,
                    documentation: ["Picks up a `\(signature.method.name.wire)` call started elsewhere, by its token."],
                    takesOptions: false))
        }
        return calls
    }

    /// The `options:`-less calls, with `.defaults`, in an extension of `ClientProtocol`.
    private func clientConveniences(_ service: ServiceDefinition, _ signatures: [MethodSignature]) {
        printer.block("extension \(service.name.escapedSwift).ClientProtocol") {
            for signature in signatures {
                for call in clientCalls(signature) where call.takesOptions {
                    printer.blankLine()
                    documentation(call.documentation)
                    signature.availability.map(printer.line)
                    let convenience = ClientCall(
                        name: call.name, parameters: signature.parameters(withDefaults: true), effects: call.effects,
                        result: call.result, documentation: [], takesOptions: false)
                    printer.declaration(convenience.declaration(access: access)) {
                        let arguments = signature.forwardedArguments + ["options: .defaults"]
                        printer.wrapped("try await \(call.name)(", arguments, ")")
                    }
                }
            }
        }
    }
}

/// One generated client method.
struct ClientCall {
    let name: String
    let parameters: [String]
    /// `async throws`, or empty.
    let effects: String
    let result: String?
    let documentation: [String]
    /// Whether it ends with `options:`, so an `options:`-less convenience exists.
    let takesOptions: Bool

    func declaration(access: String) -> Declaration {
        let effects = self.effects.isEmpty ? "" : " " + self.effects
        return Declaration(
            head: "\(access)func \(name)(", parameters: parameters,
            tail: ")\(effects)\(result.map { " -> " + $0 } ?? "")")
    }
}
