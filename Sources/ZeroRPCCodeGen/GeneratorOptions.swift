/// Choices that change the generated Swift.
public struct GeneratorOptions: Sendable, Hashable {
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
