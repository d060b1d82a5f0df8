/// A method parameter as introspection (`_zerorpc_inspect`, `_zerorpc_args`) reports it.
public struct ParameterInfo: Sendable, Hashable {
    public var name: String
    /// The value used when a caller leaves the parameter out, if it has one.
    public var defaultValue: MessagePackValue?

    public init(name: String, default defaultValue: MessagePackValue? = nil) {
        self.name = name
        self.defaultValue = defaultValue
    }
}
