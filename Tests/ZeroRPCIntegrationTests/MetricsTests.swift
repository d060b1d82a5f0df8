// ZeroRPCMetrics against a test metrics factory: calls started/finished by method and
// outcome, durations, in flight, deferred calls, on both sides of real calls.
import MetricsTestKit
import Testing
import ZeroRPC
import ZeroRPCMetrics

@Suite struct MetricsTests {
    /// Two `echo` calls, one failing call and one deferred call through a pair whose
    /// server and client report to `metrics`.
    private func exercise(_ metrics: TestMetrics) async throws {
        let pair = try ObservedPair(
            server: ServerOptions(interceptors: [ServerMetricsInterceptor(factory: metrics)]),
            client: ClientOptions(interceptors: [ClientMetricsInterceptor(factory: metrics)]))
        #expect(try await pair.echo(1) == 1)
        #expect(try await pair.echo(2) == 2)
        await #expect(throws: RemoteError.self) { try await pair.client.call("obs.fail", []) }
        let job = try await pair.client.startDeferred(
            "obs.slow", options: CallOptions(timeout: .seconds(30), deferAfter: .zero), declaredErrors: [],
            arguments: { writer in
                writer.writeArrayHeader(1)
                writer.write(Int64(9))
            }, result: { try $0.read(Int64.self) })
        pair.service.release.open()
        #expect(try await job.value == 9)
        await pair.close()
    }

    @Test(arguments: ["server", "client"])
    func callsAreCountedAndTimedByMethodAndOutcome(side: String) async throws {
        let metrics = TestMetrics()
        try await exercise(metrics)
        let echo = [("method", "obs.echo")]
        let fail = [("method", "obs.fail")]
        #expect(try metrics.expectCounter("zerorpc_\(side)_calls_started_total", echo).totalValue == 2)
        #expect(
            try metrics.expectCounter("zerorpc_\(side)_calls_finished_total", echo + [("outcome", "ok")]).totalValue
                == 2)
        #expect(
            try metrics.expectCounter("zerorpc_\(side)_calls_finished_total", fail + [("outcome", "error")])
                .totalValue == 1)
        #expect(
            try metrics.expectCounter("zerorpc_\(side)_calls_finished_total", fail + [("outcome", "ok")]).totalValue
                == 0)
        let durations = try metrics.expectTimer("zerorpc_\(side)_call_duration", echo + [("outcome", "ok")]).values
        #expect(durations.count == 2)
        #expect(durations.allSatisfy { $0 > 0 })
        let inFlight = try metrics.expectMeter("zerorpc_\(side)_calls_in_flight")
        #expect(inFlight.lastValue == 0)
        #expect(inFlight.values.contains(1))
    }

    @Test func deferredCallsAreCountedOnBothSides() async throws {
        let metrics = TestMetrics()
        try await exercise(metrics)
        let slow = [("method", "obs.slow")]
        #expect(try metrics.expectCounter(ZeroRPCMetricName.serverDeferrableCalls, slow).totalValue == 1)
        #expect(try metrics.expectCounter(ZeroRPCMetricName.clientDeferredCalls, slow).totalValue == 1)
        // The client's polls of the deferred result are not counted as calls.
        #expect(metrics.counters.allSatisfy { counter in !counter.dimensions.contains { $0.1.hasPrefix("_") } })
    }
}
