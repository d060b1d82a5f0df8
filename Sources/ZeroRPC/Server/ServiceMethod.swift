/// One method of a `RegistrableService`: its wire name, how introspection describes it,
/// and the body that decodes arguments and runs the implementation.
public struct ServiceMethod: Sendable {
    /// The wire name without the namespace.
    public let name: String
    /// The parameters, in wire order, as introspection reports them.
    public let parameters: [ParameterInfo]
    /// The method's doc comment, returned by `_zerorpc_help`.
    public let doc: String?
    let isOneway: Bool
    /// Runs the method; returns the encoded args of the OK event (`[result]`).
    let invoke: @Sendable (inout ArgumentReader, ServerContext) async throws -> [UInt8]

    /// A method answering one result.
    public static func unary<Result: MessagePackEncodable & SendableMetatype>(
        _ name: String, parameters: [ParameterInfo], doc: String?,
        _ body: @escaping @Sendable (inout ArgumentReader, ServerContext) async throws -> Result
    ) -> ServiceMethod {
        ServiceMethod(name: name, parameters: parameters, doc: doc, isOneway: false) { arguments, context in
            let result = try await body(&arguments, context)
            var writer = MessagePackWriter()
            writer.writeArrayHeader(1)
            writer.write(result)
            return writer.bytes
        }
    }

    /// A method the server acknowledges with `OK [nil]` before running it.
    public static func oneway(
        _ name: String, parameters: [ParameterInfo], doc: String?,
        _ body: @escaping @Sendable (inout ArgumentReader, ServerContext) async throws -> Void
    ) -> ServiceMethod {
        ServiceMethod(name: name, parameters: parameters, doc: doc, isOneway: true) { arguments, context in
            try await body(&arguments, context)
            return EventEncoder.okNilArguments
        }
    }
}
