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

    /// Whether the generated `Client` leaves `call` to the `ClientProtocol` extension's
    /// default: a deferred method's plain call, which awaits `startX` there too.
    func isMockDefault(_ call: ClientCall, _ signature: MethodSignature) -> Bool {
        signature.method.isDeferred && call.name == signature.swiftName
    }

    /// Defaults for a deferred method's calls, so a mock of `ClientProtocol` implements
    /// only `startX`: `x` awaits it, `resumeX` knows no token.
    private func deferredDefaults(_ signature: MethodSignature) {
        for call in clientCalls(signature) where call.name != signature.startName {
            printer.blankLine()
            signature.availability.map(printer.line)
            if call.name == signature.swiftName {
                printer.documentation(["Starts the call with `\(signature.startName)` and awaits its result."])
                printer.declaration(call.declaration(access: access)) {
                    let arguments = signature.forwardedArguments + ["options: options"]
                    printer.line("try await \(signature.startName)(\(arguments.joined(separator: ", "))).value")
                }
            } else {
                printer.documentation([
                    "Default for clients that resume nothing (mocks): fails with `RPCError.deferredNotFound`."
                ])
                printer.declaration(call.declaration(access: access)) {
                    printer.line("ZeroRPC.Deferred(failure: ZeroRPC.RPCError.deferredNotFound(token))")
                }
            }
        }
    }

    /// The `options:`-less calls, with `.defaults`, in an extension of `ClientProtocol`,
    /// and the defaults of deferred methods.
    private func clientConveniences(_ service: ServiceDefinition, _ signatures: [MethodSignature]) {
        printer.block("extension \(service.name.escapedSwift).ClientProtocol") {
            for signature in signatures where signature.method.isDeferred {
                deferredDefaults(signature)
            }
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
                scopedCall(signature)
            }
        }
    }

    /// For a stream or generator method, the scoped form: `count(to: 5) { stream in … }`
    /// runs the body and closes the channel when it returns or throws, so the server
    /// stops at a known point whenever Swift releases the iterator.
    private func scopedCall(_ signature: MethodSignature) {
        let (noun, type): (String, String)
        switch signature.method.kind {
        case .stream: noun = "stream"
        case .generator: noun = "generator"
        case .unary, .oneway: return
        }
        guard let result = signature.clientResult else { return }
        type = result
        printer.blankLine()
        documentation([
            "Calls `\(signature.method.name.wire)` and runs `body` with its \(noun), which is closed when `body` returns or throws."
        ])
        signature.availability.map(printer.line)
        let parameters =
            signature.parameters(withDefaults: true) + [
                "options: ZeroRPC.CallOptions = .defaults", "isolation: isolated (any Actor)? = #isolation",
                "_ body: (\(type)) async throws -> BodyResult",
            ]
        let declaration = Declaration(
            head: "\(access)func \(signature.swiftName)<BodyResult>(", parameters: parameters,
            tail: ") async throws -> BodyResult")
        printer.declaration(declaration) {
            let arguments = signature.forwardedArguments + ["options: options"]
            printer.wrapped(
                "try await \(signature.swiftName)(", arguments, ").closing(isolation: isolation, after: body)")
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
