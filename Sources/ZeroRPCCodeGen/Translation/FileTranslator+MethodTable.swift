import ZeroRPCSchema

extension FileTranslator {
    /// The `RegistrableService` requirements of `Service`: namespace, self-contained IDL text, and the
    /// method table that decodes arguments and calls the implementation.
    func methodTable(_ service: ServiceDefinition, _ signatures: [MethodSignature]) {
        printer.block("extension \(service.name.escapedSwift).Service") {
            let namespace = service.namespace.map(SwiftSpelling.stringLiteral) ?? "nil"
            printer.line("\(access)static var namespace: String? { \(namespace) }")
            printer.blankLine()
            printer.block("\(access)static var interfaceDefinition: String") {
                rawStringLiteral(InterfaceText.text(for: service, typeGraph: typeGraph))
            }
            printer.blankLine()
            printer.block("\(access)var methods: [ZeroRPC.ServiceMethod]") {
                guard !signatures.isEmpty else {
                    printer.line("[]")
                    return
                }
                printer.scope(opening: "[", closing: "]") {
                    for signature in signatures { methodEntry(signature) }
                }
            }
        }
    }

    /// A multi-line raw string literal with enough `#` that nothing in the text can end it
    /// (`"#`) or interpolate into it (`\#(`).
    private func rawStringLiteral(_ text: String) {
        var hashes = "#"
        while text.contains("\"" + hashes) || text.contains("\\" + hashes) { hashes += "#" }
        printer.line(hashes + "\"\"\"")
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            printer.line(String(line).trimmingSuffix("\r"))
        }
        printer.line("\"\"\"" + hashes)
    }

    private func methodEntry(_ signature: MethodSignature) {
        let method = signature.method
        let arguments = uniqueName("arguments", avoiding: method.parameters.map(\.name))
        let info = method.parameters.map { parameter -> String in
            let name = SwiftSpelling.stringLiteral(parameter.name.wire)
            if let value = parameter.defaultValue {
                return
                    ".init(name: \(name), default: \(SwiftSpelling.messagePackValue(value, of: parameter.type, in: schema)))"
            }
            return parameter.type.isOptional ? ".init(name: \(name), default: .nil)" : ".init(name: \(name))"
        }
        let doc =
            method.documentation.isEmpty
            ? "nil" : SwiftSpelling.stringLiteral(method.documentation.joined(separator: "\n"))
        let (factory, extra) = methodFactory(signature)
        let items: [ListItem] =
            [
                .text(SwiftSpelling.stringLiteral(method.name.wire)),
                .collection(open: "parameters: [", elements: info, close: "]"), .text("doc: \(doc)"),
            ] + extra.map(ListItem.text)
        let streamArgument = extra.isEmpty ? "" : streamParameter(signature) + ", "
        // A one-way method decodes first and returns its work, so the server can check the
        // arguments before it acknowledges the call (ServiceMethod+CheckedOneway.swift).
        let isOneway = signature.method.kind == .oneway
        let tail = isOneway ? ") { \(arguments) in" : ") { \(arguments), \(streamArgument)context in"
        printer.wrapped(".\(factory)(", items: items, tail)
        printer.indented {
            for parameter in method.parameters {
                printer.wrapped(
                    "let \(parameter.name.escapedSwift) = try \(arguments).next(", argumentRead(parameter), ")")
            }
            printer.line("try \(arguments).finish()")
            if isOneway {
                printer.line("return { context in")
                printer.indented { callImplementation(signature) }
                printer.line("}")
            } else {
                callImplementation(signature)
            }
        }
        printer.line("},")
    }

    /// The `ServiceMethod` factory and its extra arguments for the method's kind.
    private func methodFactory(_ signature: MethodSignature) -> (String, [String]) {
        switch signature.method.kind {
        case .unary: return ("unary", [])
        case .oneway: return ("oneway", [])
        case .stream(let element): return ("stream", ["element: \(SwiftSpelling.type(element)).self"])
        case .generator(let yield, let sent):
            return (
                "generator", ["yield: \(SwiftSpelling.type(yield)).self", "sent: \(SwiftSpelling.type(sent)).self"]
            )
        }
    }

    private func streamParameter(_ signature: MethodSignature) -> String {
        if case .generator = signature.method.kind { return "generator" }
        return "stream"
    }

    /// `Int64.self`, `name: "b"`, `default: 0`: the arguments of `ArgumentReader.next`.
    private func argumentRead(_ parameter: FieldDefinition) -> [String] {
        let items = [
            "\(SwiftSpelling.type(parameter.type)).self", "name: \(SwiftSpelling.stringLiteral(parameter.name.wire))",
        ]
        if let value = parameter.defaultValue { return items + ["default: \(SwiftSpelling.literal(value))"] }
        return parameter.type.isOptional ? items + ["default: nil"] : items
    }

    private func callImplementation(_ signature: MethodSignature) {
        var arguments = signature.forwardedArguments
        switch signature.method.kind {
        case .stream: arguments.append("stream: stream")
        case .generator: arguments.append("generator: generator")
        case .unary, .oneway: break
        }
        arguments.append("context: context")
        let call = "self.\(signature.swiftName)("
        if case .unary(let returns) = signature.method.kind {
            if returns == nil {
                printer.wrapped("try await \(call)", arguments, ")")
                printer.line("return ZeroRPC.MessagePackValue.nil")
            } else {
                printer.wrapped("return try await \(call)", arguments, ")")
            }
        } else {
            printer.wrapped("try await \(call)", arguments, ")")
        }
    }
}
