/// A resolved type: a built-in, a collection, or a declared type.
public indirect enum TypeReference: Sendable, Hashable {
    case bool
    case int
    case uint
    case float
    case double
    case string
    case bytes
    case timestamp
    case any
    case optional(TypeReference)
    case array(TypeReference)
    case map(key: TypeReference, value: TypeReference)
    /// A `struct`, `enum`, `union` or `error` declared in some `.rpc` file.
    case named(String, NamedTypeKind)

    /// The built-in types by their IDL name.
    public static let builtins: [String: TypeReference] = [
        "bool": .bool, "int": .int, "uint": .uint, "float": .float, "double": .double,
        "string": .string, "bytes": .bytes, "timestamp": .timestamp, "any": .any,
    ]

    /// The type as written in a `.rpc` file.
    public var spelling: String {
        switch self {
        case .bool: return "bool"
        case .int: return "int"
        case .uint: return "uint"
        case .float: return "float"
        case .double: return "double"
        case .string: return "string"
        case .bytes: return "bytes"
        case .timestamp: return "timestamp"
        case .any: return "any"
        case .optional(let wrapped): return wrapped.spelling + "?"
        case .array(let element): return "[\(element.spelling)]"
        case .map(let key, let value): return "{\(key.spelling): \(value.spelling)}"
        case .named(let name, _): return name
        }
    }

    /// Whether a caller may leave the value out: optionals.
    public var isOptional: Bool {
        if case .optional = self { return true }
        return false
    }
}

/// What kind of declaration a named type refers to.
public enum NamedTypeKind: String, Sendable, Hashable {
    case structure = "struct"
    case enumeration = "enum"
    case union
    case error
}
