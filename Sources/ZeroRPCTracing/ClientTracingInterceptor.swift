// Client half of distributed tracing: a client span per call, its context injected into
// the request header so the server's span joins the caller's trace.
import Tracing
import ZeroRPC

/// Starts a span of kind `.client` named after the method for every call and injects its
/// context into the request header, with the tracer's own propagation format (W3C
/// `traceparent`/`tracestate` with swift-otel). Stock zerorpc servers ignore those keys.
///
/// The span covers the call up to its first reply: the result of a unary call, the
/// `DEFERRED` answer of a deferred one (each later `_zpc_result` poll carries the
/// caller's context too, without a span of its own), the opening of a stream.
///
/// ```swift
/// let client = try Client(
///     connect: [endpoint], options: ClientOptions(interceptors: [ClientTracingInterceptor()]))
/// ```
public struct ClientTracingInterceptor: ClientInterceptor {
    private let tracer: any Tracer

    /// Traces with `tracer`; by default the one bootstrapped in `InstrumentationSystem`
    /// (a no-op tracer until the application bootstraps one).
    public init(tracer: any Tracer = InstrumentationSystem.tracer) {
        self.tracer = tracer
    }

    public func intercept(
        _ request: ClientRequest, next: (ClientRequest) async throws -> ClientReply
    ) async throws -> ClientReply {
        try await Self.intercept(request, tracer: tracer, next: next)
    }

    private static func intercept<T: Tracer>(
        _ request: ClientRequest, tracer: T, next: (ClientRequest) async throws -> ClientReply
    ) async throws -> ClientReply {
        var request = request
        // Protocol requests (polls of a deferred call) carry the caller's context only.
        if request.method.hasPrefix("_") {
            if let context = ServiceContext.current {
                tracer.inject(context, into: &request.header, using: RequestHeaderInjector())
            }
            return try await next(request)
        }
        return try await tracer.withSpan(request.method, ofKind: .client) { span in
            span.attributes[TracingAttribute.system] = TracingAttribute.systemValue
            span.attributes[TracingAttribute.method] = request.method
            tracer.inject(span.context, into: &request.header, using: RequestHeaderInjector())
            let reply = try await next(request)
            span.attributes[TracingAttribute.reply] = reply.event
            if reply.event == "ERR" { span.setStatus(SpanStatus(code: .error)) }
            return reply
        }
    }
}
