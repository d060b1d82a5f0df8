// ZeroRPCMetrics against a test metrics factory: calls started/finished by method and
// outcome, durations, in flight, deferred calls, on both sides of real calls.
import MetricsTestKit
import Testing
import ZeroRPC
import ZeroRPCMetrics
import ZeroRPCTestSupport

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
        let job = try await pair.startSlow(9)
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

    @Test func streamItemsAreCountedByMethod() async throws {
        let metrics = TestMetrics()
        let pair = try ObservedPair(server: ServerOptions(interceptors: [ServerMetricsInterceptor(factory: metrics)]))
        var items = 0
        for try await _ in try await pair.client.stream("obs.count", [4]) { items += 1 }
        #expect(items == 4)
        #expect(
            try metrics.expectCounter(ZeroRPCMetricName.serverStreamItems, [("method", "obs.count")]).totalValue == 4)
        await pair.close()
    }

    @Test func gaugesSampleDeferredJobsAndConnectedEndpoints() async throws {
        let metrics = TestMetrics()
        let pair = try ObservedPair()
        let gauges = ZeroRPCGauges(servers: [pair.server], clients: [pair.client], factory: metrics)
        try await pair.client.waitConnected(timeout: .seconds(20))
        let job = try await pair.startSlow(1)
        #expect(job.token != nil)
        gauges.update()
        let server = [("server", "observed")]
        #expect(try metrics.expectGauge(ZeroRPCMetricName.serverDeferredJobsRunning, server).lastValue == 1)
        #expect(try metrics.expectGauge(ZeroRPCMetricName.clientConnectedEndpoints, [("client", "0")]).lastValue == 1)
        pair.service.release.open()
        #expect(try await job.value == 1)
        try await waitUntil { pair.server.deferredJobCounts.running == 0 }
        gauges.update()
        #expect(try metrics.expectGauge(ZeroRPCMetricName.serverDeferredJobsRunning, server).lastValue == 0)
        await pair.close()
    }
}
