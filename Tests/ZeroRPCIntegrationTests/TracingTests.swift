// ZeroRPCTracing across real calls: the caller's trace reaches the handler through the
// request header, for a unary call, a failing one, a stream and a deferred call.
import InMemoryTracing
import Testing
import Tracing
import ZeroRPC
import ZeroRPCTracing

@Suite struct TracingTests {
    /// A pair whose client and server trace with `tracer`.
    private func tracedPair(_ tracer: InMemoryTracer) throws -> ObservedPair {
        try ObservedPair(
            server: ServerOptions(interceptors: [ServerTracingInterceptor(tracer: tracer)]),
            client: ClientOptions(interceptors: [ClientTracingInterceptor(tracer: tracer)]))
    }

    /// The finished client and server spans of `method`, checked to form the chain
    /// caller -> client span -> server span in one trace.
    private func expectChain(
        _ tracer: InMemoryTracer, method: String, caller: InMemorySpanContext
    ) throws -> (client: FinishedInMemorySpan, server: FinishedInMemorySpan) {
        let spans = tracer.finishedSpans.filter { $0.operationName == method }
        let client = try #require(spans.first { $0.kind == .client })
        let server = try #require(spans.first { $0.kind == .server })
        #expect(client.traceID == caller.traceID)
        #expect(client.parentSpanID == caller.spanID)
        #expect(server.traceID == caller.traceID)
        #expect(server.parentSpanID == client.spanID)
        #expect(server.attributes["rpc.system"]?.toSpanAttribute() == .string("zerorpc"))
        #expect(server.attributes["rpc.method"]?.toSpanAttribute() == .string(method))
        return (client, server)
    }

    @Test func aCallRunsItsHandlerInAServerSpanOfTheCallersTrace() async throws {
        let tracer = InMemoryTracer()
        let pair = try tracedPair(tracer)
        let caller = try await tracer.withSpan("caller") { (span: InMemorySpan) async throws -> InMemorySpanContext in
            #expect(try await pair.echo(7) == 7)
            return span.spanContext
        }
        let (client, server) = try expectChain(tracer, method: "obs.echo", caller: caller)
        #expect(client.attributes["zerorpc.reply"]?.toSpanAttribute() == .string("OK"))
        #expect(server.attributes["zerorpc.outcome"]?.toSpanAttribute() == .string("ok"))
        #expect(server.status == nil)
        // The handler ran with the server span as its current context.
        let handlerContext = try #require(pair.service.serviceContexts.recorded.first ?? nil)
        #expect(handlerContext.inMemorySpanContext?.spanID == server.spanID)
        // The context travelled in the request header, under the tracer's own keys.
        let header = try #require(pair.service.seen.recorded.first?.header)
        #expect(header[InMemoryTracer.traceIDKey] == .string(caller.traceID))
        await pair.close()
    }

    @Test func aFailingHandlerRecordsTheErrorOnBothSpans() async throws {
        let tracer = InMemoryTracer()
        let pair = try tracedPair(tracer)
        let caller = try await tracer.withSpan("caller") { (span: InMemorySpan) async throws -> InMemorySpanContext in
            await #expect(throws: RemoteError.self) { try await pair.client.call("obs.fail", []) }
            return span.spanContext
        }
        let (client, server) = try expectChain(tracer, method: "obs.fail", caller: caller)
        #expect(client.attributes["zerorpc.reply"]?.toSpanAttribute() == .string("ERR"))
        #expect(client.status?.code == .error)
        #expect(server.attributes["zerorpc.outcome"]?.toSpanAttribute() == .string("error"))
        #expect(server.status?.code == .error)
        #expect(server.errors.count == 1)
        #expect(server.errors.first?.error is ObservedService.Failure)
        await pair.close()
    }

    @Test func aStreamIsTracedUntilItsHandlerReturns() async throws {
        let tracer = InMemoryTracer()
        let pair = try tracedPair(tracer)
        let caller = try await tracer.withSpan("caller") { (span: InMemorySpan) async throws -> InMemorySpanContext in
            var items: [MessagePackValue] = []
            for try await item in try await pair.client.stream("obs.count", [3]) { items.append(item) }
            #expect(items == [1, 2, 3])
            return span.spanContext
        }
        let (client, server) = try expectChain(tracer, method: "obs.count", caller: caller)
        // A stream's first event is an item, or the server's heartbeat announcing `ext`.
        #expect(client.status == nil)
        #expect(server.attributes["zerorpc.outcome"]?.toSpanAttribute() == .string("ok"))
        await pair.close()
    }

    @Test func aDeferredCallsHandlerJoinsTheTraceAndItsPollsCarryTheContext() async throws {
        let tracer = InMemoryTracer()
        let pair = try tracedPair(tracer)
        let caller = try await tracer.withSpan("caller") { (span: InMemorySpan) async throws -> InMemorySpanContext in
            let job = try await pair.startSlow(5)
            #expect(job.token != nil)
            pair.service.release.open()
            #expect(try await job.value == 5)
            return span.spanContext
        }
        let (client, server) = try expectChain(tracer, method: "obs.slow", caller: caller)
        #expect(client.attributes["zerorpc.reply"]?.toSpanAttribute() == .string("DEFERRED"))
        #expect(server.attributes["zerorpc.outcome"]?.toSpanAttribute() == .string("ok"))
        // Every request (the call and its polls) carried the caller's trace.
        let injected = tracer.performedContextInjections.compactMap { $0.values[InMemoryTracer.traceIDKey] }
        #expect(injected.count >= 2)
        #expect(injected.allSatisfy { $0 == caller.traceID })
        await pair.close()
    }

    @Test func withoutATracerNothingIsAddedToTheHeader() async throws {
        let pair = try ObservedPair(
            server: ServerOptions(interceptors: [ServerTracingInterceptor(tracer: NoOpTracer())]),
            client: ClientOptions(interceptors: [ClientTracingInterceptor(tracer: NoOpTracer())]))
        #expect(try await pair.echo(1) == 1)
        let header = try #require(pair.service.seen.recorded.first?.header)
        guard case .map(let entries) = header else { Issue.record("header is not a map"); return }
        #expect(!entries.contains { $0.key == .string(InMemoryTracer.traceIDKey) })
        await pair.close()
    }
}
