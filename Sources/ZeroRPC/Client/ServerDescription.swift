/// What a server says about itself through `_zerorpc_inspect`: its name, each method's
/// parameters and doc comment, and — from a zerorpc-swift server — the IDL of each
/// registered service with every type it uses, so a tool can check arguments and name
/// result fields. A stock Python server fills in everything but `interfaces`.
public struct ServerDescription: Sendable, Hashable {
    /// The server's name (`_zerorpc_name`).
    public var name: String
    /// The public methods, sorted by wire name.
    public var methods: [MethodDescription]
    /// One self-contained `.rpc` text per registered service: its namespace, the
    /// structs, enums, unions and errors it uses, and the `service` block. Empty for a
    /// stock server and for methods registered without an IDL.
    public var interfaces: [String]

    /// A description with the given parts.
    public init(name: String, methods: [MethodDescription], interfaces: [String]) {
        self.name = name
        self.methods = methods
        self.interfaces = interfaces
    }

    /// The method with wire name `name`, if the server has one.
    public func method(named name: String) -> MethodDescription? {
        methods.first { $0.name == name }
    }
}

/// One method as `_zerorpc_inspect` reports it.
public struct MethodDescription: Sendable, Hashable {
    /// The full wire name, e.g. `calc.add`.
    public var name: String
    /// The positional parameters. A Python server reports methods of a class with a
    /// leading `self`; it is left out here.
    public var parameters: [ParameterInfo]
    /// The doc comment or Python docstring, if any.
    public var doc: String?

    /// A description with the given parts.
    public init(name: String, parameters: [ParameterInfo], doc: String?) {
        self.name = name
        self.parameters = parameters
        self.doc = doc
    }
}

extension ServerDescription {
    /// Reads the `_zerorpc_inspect` answer:
    /// `{"name", "methods": {m: {"args": [{"name", "default"?}], "doc"}}, "interfaces"?: [idl]}`.
    /// Unknown keys are ignored; a missing part is empty rather than an error, since
    /// servers other than ours and stock zerorpc's may answer with less.
    init(inspectResult value: MessagePackValue, method: String) throws {
        guard case .map = value else {
            throw RPCError.invalidResult(method: method, reason: "expected a map, got \(value)")
        }
        name = value["name"]?.stringValue ?? ""
        methods = (value["methods"]?.mapValue ?? []).compactMap { entry in
            guard let name = entry.key.stringValue else { return nil }
            let parameters = (entry.value["args"]?.arrayValue ?? []).compactMap { argument -> ParameterInfo? in
                guard let parameterName = argument["name"]?.stringValue else { return nil }
                return ParameterInfo(name: parameterName, default: argument["default"])
            }
            let explicit = parameters.first?.name == "self" ? Array(parameters.dropFirst()) : parameters
            return MethodDescription(name: name, parameters: explicit, doc: entry.value["doc"]?.stringValue)
        }.sorted { $0.name < $1.name }
        interfaces = (value["interfaces"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}

extension Client {
    /// Asks the server to describe itself (`_zerorpc_inspect`); works against stock
    /// Python zerorpc servers too (on Python ≥ 3.11 only with the `getargspec` shim, see
    /// docs/OPERATIONS.md).
    ///
    /// ```swift
    /// let description = try await client.inspect()
    /// for method in description.methods { print(method.name, method.parameters.map(\.name)) }
    /// ```
    public func inspect(options: CallOptions = .defaults) async throws -> ServerDescription {
        let method = "_zerorpc_inspect"
        return try ServerDescription(inspectResult: try await call(method, [], options: options), method: method)
    }
}
