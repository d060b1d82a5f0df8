// A user's server under a ServiceGroup, with logging, metrics and tracing bootstrapped
// (in-memory backends stand in for a real exporter), called once through its client.
import CoreMetrics
import Foundation
import InMemoryTracing
import Logging
import MetricsTestKit
import ServiceLifecycle
import Tracing
import ZeroRPC
import ZeroRPCMetrics
import ZeroRPCServiceLifecycle
import ZeroRPCTracing

struct Hello: Greeter.Service {
    func hello(name: String, context: ServerContext) async throws -> String { "Hello, \(name)!" }
}

LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
let metrics = TestMetrics()
MetricsSystem.bootstrap(metrics)
let tracer = InMemoryTracer()
InstrumentationSystem.bootstrap(tracer)

let logger = Logger(label: "app")
let server = Server(options: ServerOptions(interceptors: [ServerTracingInterceptor(), ServerMetricsInterceptor()]))
try server.register(Hello())
let endpoint = try server.bind("tcp://127.0.0.1:0")
let client = try Client(
    connect: [endpoint], options: ClientOptions(interceptors: [ClientTracingInterceptor(), ClientMetricsInterceptor()]))
let group = ServiceGroup(
    services: [ClientService(client), ServerService(server, onGracefulShutdown: .graceful(timeout: .seconds(5)))],
    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)

try await withThrowingTaskGroup { tasks in
    tasks.addTask { try await group.run() }
    print(try await Greeter.Client(client).hello(name: "plugin"))
    await group.triggerGracefulShutdown()
    try await tasks.waitForAll()
}
let spans = tracer.finishedSpans.filter { $0.operationName == "greet.hello" }.map(\.kind)
let calls = metrics.counters(label: ZeroRPCMetricName.serverCallsFinished).map(\.totalValue).reduce(0, +)
guard spans.count == 2, calls == 1 else {
    print("expected a client and a server span and one counted call, got \(spans) and \(calls)")
    exit(1)
}
