import Foundation
import Testing
import ZeroRPC

/// The event patterns against stock Python zerorpc 0.6.3 (`python/events_peer.py`), in all
/// four directions: Python Publisher → Swift Subscriber, Swift Publisher → Python
/// Subscriber, Python Pusher → Swift Puller, Swift Pusher → two Python Pullers.
@Suite struct EventInteropTests {
    /// The Swift receiving side: `record(n: int, label: string)`, `probe()` and
    /// `fail(message: string)`, typed as generated code would be, so Python events are
    /// checked exactly as calls are.
    struct Records: RegistrableService {
        struct ValueError: Error {}

        let records = LockedValue<[String]>([])
        let probes = LockedValue(0)

        static var namespace: String? { nil }
        static var interfaceDefinition: String { "service Records { … }" }

        var methods: [ServiceMethod] {
            [
                .oneway("record", parameters: [.init(name: "n"), .init(name: "label")], doc: nil) { arguments, _ in
                    let n = try arguments.next(Int64.self, name: "n")
                    let label = try arguments.next(String.self, name: "label")
                    try arguments.finish()
                    records.withLock { $0.append("\(n) \(label)") }
                },
                .oneway("probe", parameters: [], doc: nil) { _, _ in probes.withLock { $0 += 1 } },
                .oneway("fail", parameters: [.init(name: "message")], doc: nil) { _, _ in throw ValueError() },
            ]
        }

        var recorded: [String] { records.withLock { $0 } }
        var probeCount: Int { probes.withLock { $0 } }
    }

    static func expectedRecords(_ count: Int) -> [String] { (0..<count).map { "\($0) item-\($0)" } }

    /// The `record` events a Python receiver printed, as "n label", and how many probes.
    static func printed(by peer: PythonPeer) -> (records: [String], probes: Int) {
        var records: [String] = []
        var probes = 0
        for line in peer.stdoutLines {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let event = object["event"] as? String, let arguments = object["args"] as? [Any]
            else { continue }
            if event == "probe" { probes += 1 }
            if event == "record", arguments.count == 2 { records.append("\(arguments[0]) \(arguments[1])") }
        }
        return (records, probes)
    }

    /// Binds `receiver` with `service` registered, and starts a Python sender of `role`
    /// (`pub`, `push`) connected to it; returns the sender once it is ready.
    static func pythonSender(
        _ role: String, into receiver: EventReceiverEndpoint, handling service: Records
    ) async throws -> PythonPeer {
        try receiver.register(service)
        let endpoint = try receiver.bind("tcp://127.0.0.1:0")
        let sender = try PythonPeer(script: "events_peer.py", arguments: [role, endpoint])
        do {
            _ = try await sender.waitForLine(prefix: "READY ")
        } catch {
            sender.stop()
            throw error
        }
        return sender
    }

    @Test func aPythonPublisherReachesASwiftSubscriber() async throws {
        let service = Records()
        let subscriber = Subscriber()
        let publisher = try await Self.pythonSender("pub", into: subscriber, handling: service)
        defer { publisher.stop() }
        try await eventually {
            service.probeCount > 0
        } while: {
            try publisher.writeLine("probe")
        }

        try publisher.writeLine("records 50")
        try await eventually { service.recorded.count == 50 }
        #expect(service.recorded.sorted() == Self.expectedRecords(50).sorted())

        try publisher.writeLine("bad")
        try await eventually { subscriber.statistics.badEvents == 2 && subscriber.statistics.handlerErrors == 1 }
        #expect(service.recorded.count == 50)
        await subscriber.close()
    }

    @Test func aSwiftPublisherReachesAPythonSubscriber() async throws {
        let subscriber = try PythonPeer(
            script: "events_peer.py", arguments: ["sub", "tcp://127.0.0.1:*", "--bind", "--name", "sub"])
        defer { subscriber.stop() }
        let endpoint = try await subscriber.waitForLine(prefix: "READY ")
        let publisher = try Publisher(connect: [endpoint])
        try await eventually {
            Self.printed(by: subscriber).probes > 0
        } while: {
            try await publisher.send("probe", [])
        }
        for n in 0..<50 { try await publisher.send("record", [.int(Int64(n)), .string("item-\(n)")]) }
        try await eventually { Self.printed(by: subscriber).records.count == 50 }
        #expect(Self.printed(by: subscriber).records == Self.expectedRecords(50))
        await publisher.close()
    }

    @Test func aPythonPusherFeedsASwiftPuller() async throws {
        let service = Records()
        let puller = Puller()
        let pusher = try await Self.pythonSender("push", into: puller, handling: service)
        defer { pusher.stop() }

        try pusher.writeLine("records 100")
        try await eventually { service.recorded.count == 100 }
        #expect(service.recorded.sorted() == Self.expectedRecords(100).sorted())

        try pusher.writeLine("bad")
        try await eventually { puller.statistics.badEvents == 2 && puller.statistics.handlerErrors == 1 }
        try pusher.writeLine("records 3")
        try await eventually { service.recorded.count == 103 }
        #expect(puller.statistics.handled == 103)
        await puller.close()
    }

    /// One Swift pusher connected to two Python pullers: every event is handled by exactly
    /// one of them, and both get work.
    @Test func aSwiftPusherSharesWorkBetweenTwoPythonPullers() async throws {
        let pullers = try ["a", "b"].map { name in
            try PythonPeer(
                script: "events_peer.py", arguments: ["pull", "tcp://127.0.0.1:*", "--bind", "--name", name])
        }
        defer { for puller in pullers { puller.stop() } }
        var endpoints: [String] = []
        for puller in pullers { endpoints.append(try await puller.waitForLine(prefix: "READY ")) }
        let pusher = try Pusher(connect: endpoints, options: .init(sendTimeout: .seconds(20)))
        // A pipe exists once its connection is up (ZMQ_IMMEDIATE): probes until both
        // pullers got one prove both are, so the round robin covers both. Two a step, one
        // per pipe, and at least ten steps before giving up: a pipe attached after a send
        // gets the third, not the second, and in a full parallel run one step can take
        // seconds (EventPatternTests.probeUntilEachPullerReadOne).
        try await eventually(steps: 10) {
            pullers.allSatisfy { Self.printed(by: $0).probes > 0 }
        } while: {
            for _ in pullers { try await pusher.send("probe", []) }
        }
        for n in 0..<100 { try await pusher.send("record", [.int(Int64(n)), .string("item-\(n)")]) }
        try await eventually { pullers.map { Self.printed(by: $0).records.count }.reduce(0, +) >= 100 }
        let shares = pullers.map { Self.printed(by: $0).records }
        #expect(shares.allSatisfy { !$0.isEmpty })
        #expect((shares[0] + shares[1]).sorted() == Self.expectedRecords(100).sorted())
        await pusher.close()
    }
}

/// Polls `condition` every 20 ms, running `step` before each look (a probe to send),
/// and fails after 20 s, and not before `steps` steps ran. The peers report only on
/// stdout, so there is no event to await.
private func eventually(
    steps minimumSteps: Int = 0, _ condition: () -> Bool, while step: () async throws -> Void = {}
) async throws {
    let deadline = ContinuousClock.now + .seconds(20)
    var steps = 0
    while !condition() {
        guard ContinuousClock.now < deadline || steps < minimumSteps else {
            throw InteropSetupError("condition not met within 20 s and \(steps) steps")
        }
        try await step()
        steps += 1
        try await Task.sleep(for: .milliseconds(20))
    }
}
