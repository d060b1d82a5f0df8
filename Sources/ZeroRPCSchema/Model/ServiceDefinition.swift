/// A checked `service`.
public struct ServiceDefinition: Sendable, Hashable {
    /// The declared name, in its wire and Swift spellings.
    public var name: Name
    /// The file's namespace; wire names are `namespace.method`.
    public var namespace: String?
    /// The methods in declaration order.
    public var methods: [MethodDefinition]
    /// The `///` comment lines written before it, without the slashes.
    public var documentation: [String]
    /// Set by `@deprecated`.
    public var deprecation: Deprecation?
    /// The service's declaration as written, returned by `_zerorpc_inspect`.
    public var interfaceDefinition: String
}

/// A checked method of a service.
public struct MethodDefinition: Sendable, Hashable {
    /// The declared name, in its wire and Swift spellings.
    public var name: Name
    /// The parameters, positional on the wire, in declaration order.
    public var parameters: [FieldDefinition]
    /// How it answers: unary, one-way, stream or generator.
    public var kind: MethodKind
    /// The declared `error` types it may throw, by name.
    public var errors: [String]
    /// `@deferred`: the client may get a token and poll for the result.
    public var isDeferred: Bool
    /// The `///` comment lines written before it, without the slashes.
    public var documentation: [String]
    /// Set by `@deprecated`.
    public var deprecation: Deprecation?
    /// Where the method's name is written, for diagnostics about it.
    public var location: SourceLocation

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
