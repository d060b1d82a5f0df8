/// A checked `struct` or `error`: named fields.
public struct StructDefinition: Sendable, Hashable {
    /// The declared name, in its wire and Swift spellings.
    public var name: Name
    /// The fields in declaration order.
    public var fields: [FieldDefinition]
    /// The `///` comment lines written before it, without the slashes.
    public var documentation: [String]
    /// Set by `@deprecated`.
    public var deprecation: Deprecation?
    /// Whether this is an `error` (thrown by methods) rather than a plain struct.
    public var isError: Bool
    /// The declaration as written (from its first attribute to its closing brace), for
    /// the self-contained interface text `_zerorpc_inspect` returns.
    public var declarationText: String = ""
}

/// A field of a struct or error, or a parameter of a method.
public struct FieldDefinition: Sendable, Hashable {
    /// The declared name, in its wire and Swift spellings.
    public var name: Name
    /// The resolved type.
    public var type: TypeReference
    /// The value used when a sender leaves it out.
    public var defaultValue: DefaultValue?
    /// The `///` comment lines written before it, without the slashes.
    public var documentation: [String]
    /// Set by `@deprecated`.
    public var deprecation: Deprecation?

    /// Whether a sender may leave the field out: it is optional or has a default.
    public var isOmittable: Bool { type.isOptional || defaultValue != nil }
}

/// A checked `enum`.
public struct EnumDefinition: Sendable, Hashable {
    /// The declared name, in its wire and Swift spellings.
    public var name: Name
    /// The cases in declaration order.
    public var cases: [EnumCaseDefinition]
    /// The `///` comment lines written before it, without the slashes.
    public var documentation: [String]
    /// Set by `@deprecated`.
    public var deprecation: Deprecation?
    /// The declaration as written (from its first attribute to its closing brace), for
    /// the self-contained interface text `_zerorpc_inspect` returns.
    public var declarationText: String = ""

    /// Whether every case has an explicit integer value; such an enum goes on the wire as that integer.
    public var isIntegerValued: Bool { !cases.isEmpty && cases.allSatisfy { $0.value != nil } }
}

/// One case of an enum.
public struct EnumCaseDefinition: Sendable, Hashable {
    /// The declared name, in its wire and Swift spellings.
    public var name: Name
    /// The explicit integer value (`low = 1`), if written.
    public var value: Int64?
    /// The `///` comment lines written before it, without the slashes.
    public var documentation: [String]
    /// Set by `@deprecated`.
    public var deprecation: Deprecation?
}

/// A checked `union`: exactly one case, each carrying a value.
public struct UnionDefinition: Sendable, Hashable {
    /// The declared name, in its wire and Swift spellings.
    public var name: Name
    /// The cases in declaration order, each with the type of its value.
    public var cases: [FieldDefinition]
    /// The `///` comment lines written before it, without the slashes.
    public var documentation: [String]
    /// Set by `@deprecated`.
    public var deprecation: Deprecation?
    /// The declaration as written (from its first attribute to its closing brace), for
    /// the self-contained interface text `_zerorpc_inspect` returns.
    public var declarationText: String = ""
}

/// `@deprecated` or `@deprecated("message")`.
public struct Deprecation: Sendable, Hashable {
    /// The message given as `@deprecated("…")`, if any.
    public var message: String?

    public init(message: String?) {
        self.message = message
    }
}

/// A declared type of any kind.
public enum TypeDefinition: Sendable, Hashable {
    case structure(StructDefinition)
    case enumeration(EnumDefinition)
    case union(UnionDefinition)

    public var name: Name {
        switch self {
        case .structure(let definition): return definition.name
        case .enumeration(let definition): return definition.name
        case .union(let definition): return definition.name
        }
    }

    /// The `///` comment lines written before it, without the slashes.
    public var documentation: [String] {
        switch self {
        case .structure(let definition): return definition.documentation
        case .enumeration(let definition): return definition.documentation
        case .union(let definition): return definition.documentation
        }
    }

    /// The declaration as written.
    public var declarationText: String {
        switch self {
        case .structure(let definition): return definition.declarationText
        case .enumeration(let definition): return definition.declarationText
        case .union(let definition): return definition.declarationText
        }
    }
}
