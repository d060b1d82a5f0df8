/// The checked model of a set of `.rpc` files: what the code generator consumes.
public struct Schema: Sendable, Hashable {
    /// Every loaded file, the requested ones first, then their imports.
    public var files: [SchemaFile]

    public init(files: [SchemaFile]) {
        self.files = files
    }

    /// The declaration of a named type anywhere in the schema.
    public func type(named name: String) -> TypeDefinition? {
        for file in files {
            if let found = file.types.first(where: { $0.name.wire == name }) { return found }
        }
        return nil
    }
}

/// One checked `.rpc` file.
public struct SchemaFile: Sendable, Hashable {
    /// The path the file was loaded from.
    public var path: String
    public var namespace: String?
    /// The `///` comment on the `namespace` line, if any.
    public var documentation: [String]
    /// The paths of the files it imports, resolved.
    public var imports: [String]
    /// Its types in declaration order.
    public var types: [TypeDefinition]
    /// Its services in declaration order.
    public var services: [ServiceDefinition]
}
