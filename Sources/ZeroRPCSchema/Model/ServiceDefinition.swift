/// A checked `service`.
public struct ServiceDefinition: Sendable, Hashable {
    public var name: Name
    /// The file's namespace; wire names are `namespace.method`.
    public var namespace: String?
    public var methods: [MethodDefinition]
    public var documentation: [String]
    public var deprecation: Deprecation?
    /// The service's declaration as written, returned by `_zerorpc_inspect`.
    public var interfaceDefinition: String
}

/// A checked method of a service.
public struct MethodDefinition: Sendable, Hashable {
    public var name: Name
    public var parameters: [FieldDefinition]
    public var kind: MethodKind
    /// The declared `error` types it may throw, by name.
    public var errors: [String]
    /// `@deferred`: the client may get a token and poll for the result.
    public var isDeferred: Bool
    public var documentation: [String]
    public var deprecation: Deprecation?

    /// The full wire name, `namespace.method` or `method`.
    public func wireName(namespace: String?) -> String {
        namespace.map { "\($0).\(name.wire)" } ?? name.wire
    }
}

/// How a method answers.
public enum MethodKind: Sendable, Hashable {
    /// One request, one reply; `nil` returns nothing.
    case unary(returns: TypeReference?)
    /// No reply awaited.
    case oneway
    /// `-> stream T`: a server stream of values.
    case stream(TypeReference)
    /// `-> generator<Yield, Sent>`: a two-way generator.
    case generator(yield: TypeReference, sent: TypeReference)
}
