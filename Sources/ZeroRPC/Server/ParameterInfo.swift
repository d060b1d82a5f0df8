/// A method parameter as introspection (`_zerorpc_inspect`, `_zerorpc_args`) reports it.
public struct ParameterInfo: Sendable, Hashable {
    /// The parameter's name in the IDL.
    public var name: String
    /// The value used when a caller leaves the parameter out, if it has one.
    public var defaultValue: MessagePackValue?

    /// A parameter named `name`, optionally with the value used when it is left out.
    public init(name: String, default defaultValue: MessagePackValue? = nil) {
        self.name = name
        self.defaultValue = defaultValue
    }
}
