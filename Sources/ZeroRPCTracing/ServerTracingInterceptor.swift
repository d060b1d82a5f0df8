// Server half of distributed tracing: the caller's context extracted from the request
// header, the handler run inside a server span named after the method.
import Tracing
import ZeroRPC

/// Runs every handler in a span of kind `.server` named after the method (`"calc.add"`),
/// a child of the context the client sent in the request header. The span records how
/// the handler ended (attribute `zerorpc.outcome`, `ok` or `error`); an error it threw is
/// recorded on the span and sets its status to error. The handler sees the span's
/// context as `ServiceContext.current`, so its own spans and outgoing calls join the
/// trace.
///
/// Streams and generators are traced until the handler returns; a deferred call's span
/// runs as long as its handler, past the `DEFERRED` answer.
///
/// ```swift
/// let server = Server(options: ServerOptions(interceptors: [ServerTracingInterceptor()]))
/// ```
public struct ServerTracingInterceptor: ServerInterceptor {
    private let tracer: any Tracer

    /// Traces with `tracer`; by default the one bootstrapped in `InstrumentationSystem`
    /// (a no-op tracer until the application bootstraps one).
    public init(tracer: any Tracer = InstrumentationSystem.tracer) {
        self.tracer = tracer
    }

    public func intercept(_ context: ServerContext, next: (ServerContext) async throws -> Void) async throws {
        try await Self.intercept(context, tracer: tracer, next: next)
    }

    private static func intercept<T: Tracer>(
        _ context: ServerContext, tracer: T, next: (ServerContext) async throws -> Void
    ) async throws {
        var parent = ServiceContext.current ?? .topLevel
        // Decoded once here: `ServerContext.header` decodes on every read.
        tracer.extract(context.header, into: &parent, using: RequestHeaderExtractor())
        try await tracer.withSpan(context.method, context: parent, ofKind: .server) { span in
            span.attributes[TracingAttribute.system] = TracingAttribute.systemValue
            span.attributes[TracingAttribute.method] = context.method
            do {
                try await next(context)
                span.attributes[TracingAttribute.outcome] = "ok"
            } catch {
                span.attributes[TracingAttribute.outcome] = "error"
                span.setStatus(SpanStatus(code: .error, message: String(describing: type(of: error))))
                throw error
            }
        }
    }
}
