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
    /// Set for stream and generator methods, which answer through their channel.
    let streaming: StreamingKind?
    let streamBody: StreamInvocation.Body?
    /// For a one-way method: decodes the arguments only, so the server can answer a bad
    /// call `ERR TypeError` before acknowledging it (ServiceMethod+CheckedOneway.swift).
    var checkArguments: (@Sendable (inout ArgumentReader) throws -> Void)? = nil

    private init(
        name: String, parameters: [ParameterInfo], doc: String?, isOneway: Bool,
        invoke: @escaping @Sendable (inout ArgumentReader, ServerContext) async throws -> [UInt8]
    ) {
        self.name = name
        self.parameters = parameters
        self.doc = doc
        self.isOneway = isOneway
        self.invoke = invoke
        self.streaming = nil
        self.streamBody = nil
    }

    private init(
        name: String, parameters: [ParameterInfo], doc: String?, streaming: StreamingKind,
        body: @escaping StreamInvocation.Body
    ) {
        self.name = name
        self.parameters = parameters
        self.doc = doc
        self.isOneway = false
        self.invoke = { _, _ in throw RPCError.protocolViolation("'\(name)' is a \(streaming) method") }
        self.streaming = streaming
        self.streamBody = body
    }

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

    /// A method the server acknowledges with `OK [nil]` before running it, and before its
    /// arguments are decoded; `oneway(_:parameters:doc:decoding:)` checks them first.
    public static func oneway(
        _ name: String, parameters: [ParameterInfo], doc: String?,
        _ body: @escaping @Sendable (inout ArgumentReader, ServerContext) async throws -> Void
    ) -> ServiceMethod {
        ServiceMethod(name: name, parameters: parameters, doc: doc, isOneway: true) { arguments, context in
            try await body(&arguments, context)
            return EventEncoder.okNilArguments
        }
    }

    /// A server-stream method (`-> stream T`): the body writes items to a
    /// `StreamWriter`; returning ends the stream with `STREAM_DONE`, throwing with `ERR`.
    public static func stream<Element: MessagePackEncodable & SendableMetatype>(
        _ name: String, parameters: [ParameterInfo], doc: String?, element: Element.Type,
        _ body: @escaping @Sendable (inout ArgumentReader, StreamWriter<Element>, ServerContext) async throws -> Void
    ) -> ServiceMethod {
        ServiceMethod(name: name, parameters: parameters, doc: doc, streaming: .stream) { arguments, sink, context in
            try await body(&arguments, StreamWriter(sink: sink), context)
        }
    }

    /// A two-way generator method (`-> generator<Y, S>`): the body yields through a
    /// `GeneratorContext` and receives what the client sends; it starts at the client's
    /// first step.
    public static func generator<
        Yield: MessagePackEncodable & SendableMetatype, Sent: MessagePackDecodable & SendableMetatype
    >(
        _ name: String, parameters: [ParameterInfo], doc: String?, yield: Yield.Type, sent: Sent.Type,
        _ body:
            @escaping @Sendable (inout ArgumentReader, GeneratorContext<Yield, Sent>, ServerContext) async throws ->
            Void
    ) -> ServiceMethod {
        ServiceMethod(name: name, parameters: parameters, doc: doc, streaming: .generator) {
            arguments, sink, context in
            try await body(&arguments, GeneratorContext(sink: sink), context)
        }
    }
}
