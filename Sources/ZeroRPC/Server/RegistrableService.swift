/// A service the generator describes: its namespace, its IDL and its method table.
/// `Server.register(_:)` serves every method under `namespace.method`.
public protocol RegistrableService: Sendable {
    /// The wire name prefix (`"calc"` serves `calc.add`), or nil.
    static var namespace: String? { get }
    /// The service's IDL text, returned by `_zerorpc_inspect`.
    static var interfaceDefinition: String { get }
    /// The methods, by wire name without the namespace. The generator fills this in.
    var methods: [ServiceMethod] { get }
}
