/// Choices that change the generated Swift.
public struct CodeGeneratorOptions: Sendable, Hashable {
    /// The access level of every generated declaration.
    public enum AccessLevel: String, Sendable, Hashable, CaseIterable {
        case `public`
        case `internal`
    }

    /// `public` unless `zerorpc-gen.json` says `internal`.
    public var accessLevel: AccessLevel

    public init(accessLevel: AccessLevel = .public) {
        self.accessLevel = accessLevel
    }

    /// The modifier to put before declarations: `public ` or nothing.
    var accessModifier: String {
        accessLevel == .public ? "public " : ""
    }
}

/// The name of ``CodeGeneratorOptions`` before "generator" was left to the runtime's
/// two-way streams (`Generator<Yield, Sent>`).
@available(*, deprecated, renamed: "CodeGeneratorOptions")
public typealias GeneratorOptions = CodeGeneratorOptions
