import Foundation
import Testing
import ZeroRPC
import ZeroRPCTestSupport

/// `Schemas/telemetry.rpc` (every method one-way) sent through the generated
/// `Telemetry.Publisher` and `Telemetry.Pusher`, and served by a generated
/// `Telemetry.Service` registered on a `Subscriber` and on `Puller`s.
@Suite struct TelemetryEventsTests {
    /// Records what arrives, as a dashboard or an alert worker would.
    final class Dashboard: Telemetry.Service {
        let samples = TestRecorder<Reading>()
        let alerts = TestRecorder<String>()
        let heartbeats = TestCounter()
        let received = TestCounter()

        func reading(sample: Reading, context: ServerContext) async throws {
            #expect(context.method == "telemetry.reading")
            samples.record(sample)
            received.increment()
        }

        func alert(sensor: String, severity: Severity, note: String?, context: ServerContext) async throws {
            alerts.record("\(sensor) \(severity) \(note ?? "-")")
            received.increment()
        }

        func heartbeat(context: ServerContext) async throws {
            heartbeats.increment()
        }
    }

    @Test(arguments: Transport.allCases)
    func aGeneratedPublisherReachesAGeneratedSubscriber(transport: Transport) async throws {
        let dashboard = Dashboard()
        let subscriber = Subscriber()
        try subscriber.register(dashboard)
        let endpoint = try subscriber.bind(transport.endpoint())
        let publisher = try ZeroRPC.Publisher(connect: [endpoint])
        let telemetry = Telemetry.Publisher(publisher)

        try await publishProbes(until: { dashboard.heartbeats.value > 0 }) { try await telemetry.heartbeat() }
        let taken = Timestamp(seconds: 1_700_000_000, nanoseconds: 5)
        try await telemetry.reading(sample: Reading(sensor: "boiler", value: 71.5, taken: taken))
        try await telemetry.reading(sample: Reading(sensor: "attic", value: 12, unit: "F"))
        try await telemetry.alert(sensor: "boiler", severity: .critical, note: "too hot")
        try await telemetry.alert(sensor: "attic", severity: .info)
        await dashboard.received.wait(untilAtLeast: 4)

        #expect(
            Set(dashboard.samples.recorded) == [
                Reading(sensor: "boiler", value: 71.5, taken: taken), Reading(sensor: "attic", value: 12, unit: "F"),
            ])
        #expect(Set(dashboard.alerts.recorded) == ["boiler critical too hot", "attic info -"])
        #expect(subscriber.statistics.badEvents == 0)
        #expect(subscriber.statistics.handlerErrors == 0)
        await publisher.close()
        await subscriber.close()
    }

    /// A pusher bound, two puller workers connected: every alert is handled by exactly one.
    @Test func aGeneratedPusherFeedsGeneratedPullers() async throws {
        let pusher = try ZeroRPC.Pusher(options: .init(sendTimeout: .seconds(20)))
        let endpoint = try pusher.bind(Transport.tcp.endpoint())
        let workers = [Dashboard(), Dashboard()]
        var pullers: [Puller] = []
        for worker in workers {
            let puller = Puller()
            try puller.register(worker)
            try puller.connect(endpoint)
            pullers.append(puller)
        }
        let alerts: any Telemetry.EventsProtocol = Telemetry.Pusher(pusher)
        try await publishProbes(until: { workers.allSatisfy { $0.heartbeats.value > 0 } }) {
            try await alerts.heartbeat()
        }
        for n in 0..<100 { try await alerts.alert(sensor: "s\(n)", severity: .warning, note: nil) }
        try await waitUntil { workers.map(\.received.value).reduce(0, +) == 100 }
        let handled = workers.map(\.alerts.recorded)
        #expect(handled.allSatisfy { !$0.isEmpty })
        #expect(Set(handled[0]).isDisjoint(with: handled[1]))
        #expect(Set(handled[0] + handled[1]) == Set((0..<100).map { "s\($0) warning -" }))
        await pusher.close()
        for puller in pullers { await puller.close() }
    }

    /// An event a Python peer could send that does not fit the IDL is dropped and counted,
    /// exactly as a server would refuse the call.
    @Test func eventsThatDoNotFitTheSchemaAreCountedAsBad() async throws {
        let dashboard = Dashboard()
        let puller = Puller()
        try puller.register(dashboard)
        let pusher = try ZeroRPC.Pusher(connect: [try puller.bind(Transport.inproc.endpoint())])
        try await pusher.send("telemetry.alert", ["s1", "loud"])  // not a Severity case
        try await pusher.send("telemetry.reading", [.map([.init(key: "sensor", value: "x")])])  // no value
        try await Telemetry.Pusher(pusher).alert(sensor: "s2", severity: .info)
        await dashboard.received.wait(untilAtLeast: 1)
        try await waitUntil { puller.statistics.badEvents == 2 }
        #expect(dashboard.alerts.recorded == ["s2 info -"])
        #expect(dashboard.samples.recorded.isEmpty)
        await pusher.close()
        await puller.close()
    }
}
