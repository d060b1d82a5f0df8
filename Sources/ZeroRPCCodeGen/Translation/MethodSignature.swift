import ZeroRPCSchema

/// The Swift shape of one IDL method: what the server implements and what clients call.
struct MethodSignature {
    let method: MethodDefinition
    /// The full wire name, `calc.add`.
    let wireName: String

    init(_ method: MethodDefinition, namespace: String?) {
        self.method = method
        self.wireName = method.wireName(namespace: namespace)
    }

    var swiftName: String { method.name.escapedSwift }

    /// `a: Int64, b: Int64 = 0`, optionally with defaults.
    func parameters(withDefaults: Bool) -> [String] {
        method.parameters.map { parameter in
            var text = "\(parameter.name.escapedSwift): \(SwiftSpelling.type(parameter.type))"
            if withDefaults, let value = parameter.defaultValue {
                text += " = " + SwiftSpelling.literal(value)
            } else if withDefaults, parameter.type.isOptional {
                text += " = nil"
            }
            return text
        }
    }

    /// `a: a, b: b` for forwarding the parameters to another call.
    var forwardedArguments: [String] {
        method.parameters.map { "\($0.name.argumentLabel): \($0.name.escapedSwift)" }
    }

    /// The result type of the plain client call, nil for none.
    var clientResult: String? {
        switch method.kind {
        case .unary(let returns): return returns.map(SwiftSpelling.type)
        case .oneway: return nil
        case .stream(let element): return "ZeroRPC.ResponseStream<\(SwiftSpelling.type(element))>"
        case .generator(let yield, let sent):
            return "ZeroRPC.Generator<\(SwiftSpelling.type(yield)), \(SwiftSpelling.type(sent))>"
        }
    }

    /// The requirement of the generated `Service` protocol.
    var serviceRequirement: Declaration {
        var parameters = self.parameters(withDefaults: false)
        var result = ""
        switch method.kind {
        case .unary(let returns): result = returns.map { " -> " + SwiftSpelling.type($0) } ?? ""
        case .oneway: break
        case .stream(let element): parameters.append("stream: ZeroRPC.StreamWriter<\(SwiftSpelling.type(element))>")
        case .generator(let yield, let sent):
            parameters.append(
                "generator: ZeroRPC.GeneratorContext<\(SwiftSpelling.type(yield)), \(SwiftSpelling.type(sent))>")
        }
        parameters.append("context: ZeroRPC.ServerContext")
        return Declaration(head: "func \(swiftName)(", parameters: parameters, tail: ") async throws\(result)")
    }

    /// The declared error types as a Swift array of metatypes.
    var declaredErrors: String {
        "[" + method.errors.map { Name(typeName: $0).escapedSwift + ".self" }.joined(separator: ", ") + "]"
    }

    /// The result type as stored in `Deferred<T>`; `Void` for none.
    var deferredResult: String {
        if case .unary(let returns?) = method.kind { return SwiftSpelling.type(returns) }
        return "Void"
    }

    var startName: String { "start" + Name.capitalized(method.name.swift) }
    var resumeName: String { "resume" + Name.capitalized(method.name.swift) }

    /// The DocC lines of the method, with a `- Parameters:` list for documented parameters.
    var documentation: [String] {
        var lines = method.documentation
        let documented = method.parameters.filter { !$0.documentation.isEmpty }
        guard !documented.isEmpty else { return lines }
        if !lines.isEmpty { lines.append("") }
        lines.append("- Parameters:")
        for parameter in documented {
            lines.append("  - \(parameter.name.swift): " + parameter.documentation.joined(separator: " "))
        }
        return lines
    }

    /// `@available(*, deprecated…)` for client-side declarations, or nil.
    var availability: String? {
        guard let deprecation = method.deprecation else { return nil }
        return
            "@available(*, deprecated\(deprecation.message.map { ", message: \(SwiftSpelling.stringLiteral($0))" } ?? ""))"
    }
}
