/// One method of a `RegistrableService`: its wire name, how introspection describes it,
/// and what the server runs for it, by kind.
public struct ServiceMethod: Sendable {
    /// What the server runs for a method, one case per IDL kind, so a method carries only
    /// the body its kind needs.
    @usableFromInline
    enum Kind: Sendable {
        /// Answers one result: the body returns the encoded args of the OK event
        /// (`[result]`). A call with a responsiveness budget may be deferred.
        case unary(HandlerInvocation.Body)
        /// Acknowledged `OK [nil]` on arrival, then run. `checkArguments`, when set,
        /// decodes the arguments first, so the server answers a bad call `ERR TypeError`
        /// instead of acknowledging it (ServiceMethod+CheckedOneway.swift).
        case oneway(
            HandlerInvocation.Body, checkArguments: (@Sendable (inout ArgumentReader) throws -> Void)?)
        /// `-> stream T`: writes items to its channel.
        case stream(StreamInvocation.Body)
        /// `-> generator<Y, S>`: yields and receives on its channel, lock-step.
        case generator(StreamInvocation.Body)
    }

    /// The wire name without the namespace.
    public let name: String
    /// The parameters, in wire order, as introspection reports them.
    public let parameters: [ParameterInfo]
    /// The method's doc comment, returned by `_zerorpc_help`.
    public let doc: String?
    let kind: Kind

    @usableFromInline
    init(name: String, parameters: [ParameterInfo], doc: String?, kind: Kind) {
        self.name = name
        self.parameters = parameters
        self.doc = doc
        self.kind = kind
    }

    /// Whether the server acknowledges calls before running them.
    var isOneway: Bool {
        if case .oneway = kind { return true }
        return false
    }

    /// The body of a unary or one-way method; nil for streams and generators, which
    /// answer through their channel.
    var invoke: HandlerInvocation.Body? {
        switch kind {
        case .unary(let body), .oneway(let body, _): body
        case .stream, .generator: nil
        }
    }

    /// A method answering one result.
    ///
    /// `body` is `nonisolated(nonsending)`, as the one of `oneway`: it runs on the executor
    /// the server runs the call on (the I/O thread's, or the global one for
    /// `HandlerExecution.concurrent`) and calls the service's own method, whose isolation
    /// (an actor's, or none) applies from there. Being non-sending spares the call a
    /// switch of executors into the body and one back.
    ///
    /// Inlinable, so the reply's encoding is specialized for `Result` in the module that
    /// registers the method (the generated code) instead of going through its generic
    /// witnesses: ~560 fewer instructions per call of an `Int` method.
    @inlinable
    public static func unary<Result: MessagePackEncodable & SendableMetatype>(
        _ name: String, parameters: [ParameterInfo], doc: String?,
        _ body: nonisolated(nonsending) @escaping @Sendable (inout ArgumentReader, ServerContext) async throws -> Result
    ) -> ServiceMethod {
        ServiceMethod(
            name: name, parameters: parameters, doc: doc,
            kind: .unary { arguments, context in
                let result = try await body(&arguments, context)
                var writer = MessagePackWriter()
                writer.writeArrayHeader(1)
                writer.write(result)
                return writer
            })
    }

    /// A method the server acknowledges with `OK [nil]` before running it, and before its
    /// arguments are decoded; `oneway(_:parameters:doc:decoding:)` checks them first.
    public static func oneway(
        _ name: String, parameters: [ParameterInfo], doc: String?,
        _ body: nonisolated(nonsending) @escaping @Sendable (inout ArgumentReader, ServerContext) async throws -> Void
    ) -> ServiceMethod {
        ServiceMethod(
            name: name, parameters: parameters, doc: doc, kind: .oneway(onewayBody(body), checkArguments: nil))
    }

    /// `body` as a handler body answering `OK [nil]`.
    static func onewayBody(
        _ body: nonisolated(nonsending) @escaping @Sendable (inout ArgumentReader, ServerContext) async throws -> Void
    ) -> HandlerInvocation.Body {
        { arguments, context in
            try await body(&arguments, context)
            var writer = MessagePackWriter(reservingCapacity: 2)
            writer.writeArrayHeader(1)
            writer.writeNil()
            return writer
        }
    }

    /// A server-stream method (`-> stream T`): the body writes items to a
    /// `StreamWriter`; returning ends the stream with `STREAM_DONE`, throwing with `ERR`.
    public static func stream<Element: MessagePackEncodable & SendableMetatype>(
        _ name: String, parameters: [ParameterInfo], doc: String?, element: Element.Type,
        _ body: @escaping @Sendable (inout ArgumentReader, StreamWriter<Element>, ServerContext) async throws -> Void
    ) -> ServiceMethod {
        ServiceMethod(
            name: name, parameters: parameters, doc: doc,
            kind: .stream { arguments, sink, context in
                try await body(&arguments, StreamWriter(sink: sink), context)
            })
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
        ServiceMethod(
            name: name, parameters: parameters, doc: doc,
            kind: .generator { arguments, sink, context in
                try await body(&arguments, GeneratorContext(sink: sink), context)
            })
    }
}
