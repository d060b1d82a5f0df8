// With a W3C propagator (what swift-otel bootstraps), the trace context crosses the wire
// as `traceparent`: the interceptors carry whatever the instrument injects.
import InMemoryTracing
import Testing
import Tracing
import ZeroRPC
import ZeroRPCTracing

/// `InMemoryTracer` spans with hex ids, propagated as W3C trace context
/// (`traceparent: 00-<trace id>-<span id>-01`) instead of its own header keys.
struct W3CInMemoryTracer: Tracer {
    let spans = InMemoryTracer(
        idGenerator: .init(
            nextTraceID: { (0..<32).map { _ in String(Int.random(in: 0..<16), radix: 16) }.joined() },
            nextSpanID: { (0..<16).map { _ in String(Int.random(in: 0..<16), radix: 16) }.joined() }))

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> ServiceContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> InMemorySpan {
        spans.startSpan(
            operationName, context: context(), ofKind: kind, at: instant(), function: function, file: fileID,
            line: line)
    }

    func forceFlush() {}

    func inject<Carrier, Inject: Injector>(
        _ context: ServiceContext, into carrier: inout Carrier, using injector: Inject
    ) where Inject.Carrier == Carrier {
        guard let span = context.inMemorySpanContext else { return }
        injector.inject("00-\(span.traceID)-\(span.spanID)-01", forKey: "traceparent", into: &carrier)
    }

    func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract
    ) where Extract.Carrier == Carrier {
        let fields = extractor.extract(key: "traceparent", from: carrier)?.split(separator: "-") ?? []
        guard fields.count == 4, fields[0] == "00" else { return }
        context.inMemorySpanContext = InMemorySpanContext(
            traceID: String(fields[1]), spanID: String(fields[2]), parentSpanID: nil)
    }
}

@Suite struct W3CTraceContextTests {
    @Test func theRequestHeaderCarriesTraceparent() async throws {
        let tracer = W3CInMemoryTracer()
        let pair = try ObservedPair(
            server: ServerOptions(interceptors: [ServerTracingInterceptor(tracer: tracer)]),
            client: ClientOptions(interceptors: [ClientTracingInterceptor(tracer: tracer)]))
        try await tracer.withSpan("caller") { (_: InMemorySpan) async throws -> Void in
            #expect(try await pair.echo(4) == 4)
        }
        let spans = tracer.spans.finishedSpans
        let client = try #require(spans.first { $0.kind == .client })
        let server = try #require(spans.first { $0.kind == .server })
        let header = try #require(pair.service.seen.recorded.first?.header)
        #expect(header["traceparent"] == .string("00-\(client.traceID)-\(client.spanID)-01"))
        #expect(server.traceID == client.traceID)
        #expect(server.parentSpanID == client.spanID)
        await pair.close()
    }
}
