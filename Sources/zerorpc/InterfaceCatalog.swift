// The IDL a zerorpc-swift server returns from `_zerorpc_inspect`, compiled back into the
// schema model, so the tool can check arguments and name what results mean.
import Foundation
import ZeroRPC
import ZeroRPCSchema

struct InterfaceCatalog {
    /// A method found in one of the server's interfaces, with the schema that declares
    /// its types.
    struct Method {
        let definition: MethodDefinition
        let service: ServiceDefinition
        let schema: Schema
        let wireName: String
    }

    let schemas: [Schema]

    /// Compiles each interface text on its own (each is a complete `.rpc` file); one that
    /// does not compile is skipped, so a newer server never breaks the tool.
    init(interfaces: [String]) {
        schemas = interfaces.enumerated().compactMap { index, text in
            let path = "interface-\(index).rpc"
            let bytes = Array(text.utf8)
            let result = SchemaFrontEnd(readFile: { $0 == path ? bytes : nil }).compile([path])
            return result.hasErrors ? nil : result.schema
        }
    }

    var services: [(ServiceDefinition, Schema)] {
        schemas.flatMap { schema in schema.files.flatMap(\.services).map { ($0, schema) } }
    }

    func method(named name: String) -> Method? {
        for (service, schema) in services {
            for method in service.methods where method.wireName(namespace: service.namespace) == name {
                return Method(definition: method, service: service, schema: schema, wireName: name)
            }
        }
        return nil
    }

    /// The server's interfaces, or an empty catalog when it cannot say (a stock server,
    /// or a Python one whose `_zerorpc_inspect` fails on Python ≥ 3.11).
    static func load(from client: Client, options: CallOptions) async -> InterfaceCatalog {
        guard let description = try? await client.inspect(options: options) else {
            return InterfaceCatalog(interfaces: [])
        }
        return InterfaceCatalog(interfaces: description.interfaces)
    }
}

extension InterfaceCatalog.Method {
    /// `calc.add(a: int, b: int = 0) -> int throws E`.
    var signature: String {
        let parameters = definition.parameters.map { parameter in
            "\(parameter.name.wire): \(parameter.type.spelling)"
                + (parameter.defaultValue.map { " = \(IDLText.value($0))" } ?? "")
        }
        var text = "\(wireName)(\(parameters.joined(separator: ", ")))"
        switch definition.kind {
        case .unary(let returns): text += returns.map { " -> \($0.spelling)" } ?? ""
        case .oneway: text = "oneway " + text
        case .stream(let element): text += " -> stream \(element.spelling)"
        case .generator(let yield, let sent): text += " -> generator<\(yield.spelling), \(sent.spelling)>"
        }
        if !definition.errors.isEmpty { text += " throws " + definition.errors.joined(separator: ", ") }
        return (definition.isDeferred ? "@deferred " : "") + text
    }

    /// The type of each value the method answers with: its result or its stream items.
    var resultType: TypeReference? {
        switch definition.kind {
        case .unary(let returns): return returns
        case .oneway: return nil
        case .stream(let element): return element
        case .generator(let yield, _): return yield
        }
    }

    /// The arguments converted to what the method takes, or an error naming the first
    /// argument that does not fit. Trailing optional or defaulted parameters may be left out.
    func check(_ arguments: [MessagePackValue]) throws -> [MessagePackValue] {
        let parameters = definition.parameters
        let required = parameters.prefix { !$0.isOmittable }.count
        guard arguments.count >= required, arguments.count <= parameters.count else {
            let expected = required == parameters.count ? "\(required)" : "\(required) to \(parameters.count)"
            throw ToolError("\(signature) takes \(expected) argument(s), got \(arguments.count)")
        }
        let values = TypedValues(schema: schema)
        return try zip(parameters, arguments).map { parameter, argument in
            try values.convert(argument, to: parameter.type, at: "argument `\(parameter.name.wire)` of \(wireName)")
        }
    }
}

/// IDL spelling of default values, for signatures.
enum IDLText {
    static func value(_ value: DefaultValue) -> String {
        switch value {
        case .nil: return "nil"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .uint(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let string): return JSONText.quoted(string)
        case .enumCase(let name): return name.wire
        case .array(let elements): return "[" + elements.map(Self.value).joined(separator: ", ") + "]"
        case .map(let entries):
            return "{" + entries.map { "\(Self.value($0.key)): \(Self.value($0.value))" }.joined(separator: ", ") + "}"
        }
    }
}
