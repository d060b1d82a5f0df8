import Logging
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// What the event roles do when things go wrong: bad events and failing handlers are
/// counted and logged (rate-limited) and never stop the receiver; a full receiver stops
/// reading and the pusher waits or times out; cancelled and closed sends fail cleanly.
@Suite struct EventFailureTests {
    /// A hand-written service, as the generator would write it: a one-way method, a unary
    /// one (its result is dropped), a stream (not servable by events) and one that throws.
    struct Jobs: RegistrableService {
        struct Broken: Error {}

        let done: TestRecorder<String>
        let counter: TestCounter

        static var namespace: String? { "jobs" }
        static var interfaceDefinition: String { "service Jobs { … }" }

        var methods: [ServiceMethod] {
            [
                .oneway("resize", parameters: [.init(name: "name"), .init(name: "width", default: .int(64))], doc: nil)
                {
                    arguments, _ in
                    let name = try arguments.next(String.self, name: "name")
                    let width = try arguments.next(Int64.self, name: "width", default: 64)
                    try arguments.finish()
                    done.record("\(name)@\(width)")
                    counter.increment()
                },
                .unary("double", parameters: [.init(name: "n")], doc: nil) { arguments, _ in
                    let n = try arguments.next(Int64.self, name: "n")
                    try arguments.finish()
                    done.record("double \(n)")
                    counter.increment()
                    return n * 2
                },
                .stream("count", parameters: [], doc: nil, element: Int64.self) { _, _, _ in },
                .oneway("explode", parameters: [], doc: nil) { _, _ in
                    counter.increment()
                    throw Broken()
                },
            ]
        }
    }

    /// A puller whose `job` handlers all wait for `gate`, counting how many run at once.
    struct HeldJobs {
        let gate = TestGate()
        let running = LockedValue((now: 0, most: 0))
        let handled = TestCounter()
        let puller: Puller

        init(options: EventReceiverOptions) throws {
            puller = Puller(options: options)
            try puller.register(name: "job") { [gate, running, handled] _, _ in
                running.withLock {
                    $0.now += 1
                    $0.most = max($0.most, $0.now)
                }
                await gate.wait()
                running.withLock { $0.now -= 1 }
                handled.increment()
            }
        }
    }

    @Test func badEventsAndHandlerErrorsAreCountedAndTheReceiverGoesOn() async throws {
        let log = LogRecorder()
        let done = TestRecorder<String>()
        let counter = TestCounter()
        let puller = Puller(options: .init(logger: log.logger))
        try puller.register(Jobs(done: done, counter: counter))
        let pusher = try Pusher(connect: [try puller.bind(TestTransport.inproc.bindEndpoint())])

        try await pusher.socket.send("raw", payload: [0xc1, 0xff])  // not msgpack
        try await pusher.socket.send("raw", payload: encoded([1, 2]))  // msgpack, not an event
        try await pusher.send("jobs.nosuch", [])  // no handler
        try await pusher.send("jobs.count", [])  // a stream: not served by events
        try await pusher.send("jobs.resize", [.int(1)])  // wrong type
        try await pusher.send("jobs.resize", ["a", 1, 2])  // too many
        try await pusher.send("jobs.resize", [])  // too few
        try await pusher.socket.send(
            "raw", payload: EventEncoder.encode(responseTo: nil, name: "jobs.resize", arguments: encoded("x")))
        try await pusher.send("jobs.explode", [])  // the handler throws
        try await pusher.send("jobs.resize", ["cat.jpg"])  // a default fills the rest
        try await pusher.send("jobs.double", [21])
        try await pusher.send("jobs.resize", ["dog.jpg", 640])

        await counter.wait(untilAtLeast: 4)
        // Every count, not just some: `explode` bumps the counter before it throws, and its
        // error is counted after that (and after its warning is logged, which the checks
        // below read).
        let expected = EventReceiverStatistics(received: 12, handled: 3, badEvents: 8, handlerErrors: 1)
        try await waitUntil {
            let statistics = puller.statistics
            return statistics.received >= 12 && statistics.badEvents >= 8 && statistics.handled >= 3
                && statistics.handlerErrors >= 1
        }
        #expect(puller.statistics == expected)
        #expect(Set(done.recorded) == ["cat.jpg@64", "double 21", "dog.jpg@640"])
        let warnings = log.messages(atLeast: .warning)
        #expect(warnings.contains { $0.contains("'jobs.nosuch'") && $0.contains("no handler") })
        #expect(warnings.contains { $0.contains("argument 'name'") })
        #expect(warnings.contains { $0.contains("takes 2 argument(s) but 3 were given") })
        #expect(warnings.contains { $0.contains("arguments must be an array") })
        #expect(warnings.contains { $0.contains("'jobs.explode' failed") && $0.contains("Broken") })
        await pusher.close()
        await puller.close()
    }

    @Test func aFloodOfBadEventsLogsOnlyAFewLines() async throws {
        let log = LogRecorder()
        // The log's windows count from the subscriber's creation, not from the flood.
        let created = ContinuousClock.now
        let subscriber = Subscriber(options: .init(logger: log.logger))
        let probes = TestCounter()
        try subscriber.register(name: "probe") { _, _ in probes.increment() }
        let publisher = try Publisher(connect: [try subscriber.bind(TestTransport.inproc.bindEndpoint())])
        try await publishProbes(until: { probes.value > 0 }) { try await publisher.send("probe", []) }
        for _ in 0..<200 { try await publisher.send("unknown", []) }
        try await waitUntil { subscriber.statistics.badEvents == 200 }
        // Ten a window (10 s, counted from the log's creation). A slow sanitizer run may
        // cross into a later window before the flood ends, and the last window logs only
        // the events left for it: at least ten lines, at most ten for each window since
        // the subscriber was made (those before the flood logged nothing).
        let windows = Int((created.duration(to: .now) / .seconds(10)).rounded(.down)) + 1
        let lines = log.messages(atLeast: .warning).filter { $0.contains("'unknown'") }
        #expect((10...(10 * windows)).contains(lines.count), "\(lines.count) lines for 200 bad events in \(windows)")
        await publisher.close()
        await subscriber.close()
    }

    /// Two handlers at most and one event queued: the fourth event waits in ZeroMQ, not
    /// in a task, and with small high-water marks the pusher soon has no room and its
    /// send times out.
    @Test func aFullPullerStopsReadingAndThePusherTimesOut() async throws {
        let held = try HeldJobs(options: .init(maximumConcurrentHandlers: 2, maximumQueuedEvents: 1, highWaterMark: 1))
        let (puller, running, handled, gate) = (held.puller, held.running, held.handled, held.gate)
        // inproc: no kernel buffers, so what the pipe holds is the high-water marks alone.
        let endpoint = try puller.bind(TestTransport.inproc.bindEndpoint())
        let pusher = try Pusher(
            connect: [endpoint], options: .init(sendTimeout: .milliseconds(200), highWaterMark: 1))
        var sent = 0
        var timedOut = false
        while sent < 100_000 {
            do {
                try await pusher.send("job", [.int(Int64(sent))])
                sent += 1
            } catch RPCError.timeout(let method, let after) {
                #expect(method == "job")
                #expect(after == .milliseconds(200))
                timedOut = true
                break
            }
        }
        #expect(timedOut)
        #expect(sent < 100)  // two in the handlers, the rest in ZeroMQ's pipe
        try await waitUntil { running.withLock { $0.now } == 2 }
        #expect(puller.statistics.received <= 3)
        gate.open()
        await handled.wait(untilAtLeast: sent)
        #expect(running.withLock { $0.most } == 2)
        // Counted once the handler has returned, just after it counted itself.
        try await waitUntil { puller.statistics.handled == UInt64(sent) }
        await pusher.close()
        await puller.close()
    }

    /// Handlers that suspend get company: workers join while queued events wait, up to
    /// the limit and no further.
    @Test func slowHandlersRunConcurrentlyUpToTheLimit() async throws {
        let held = try HeldJobs(options: .init(maximumConcurrentHandlers: 4))
        let (puller, running, handled, gate) = (held.puller, held.running, held.handled, held.gate)
        let pusher = try Pusher(connect: [try puller.bind(TestTransport.inproc.bindEndpoint())])
        for n in 0..<10 { try await pusher.send("job", [.int(Int64(n))]) }
        try await waitUntil { running.withLock { $0.now } == 4 }
        #expect(handled.value == 0)
        gate.open()
        await handled.wait(untilAtLeast: 10)
        #expect(running.withLock { $0.most } == 4)
        await pusher.close()
        await puller.close()
    }

    /// With one handler at a time, events are handled in the order they were pushed.
    @Test func oneHandlerAtATimeKeepsTheOrder() async throws {
        let recorder = TestRecorder<Int64>()
        let counter = TestCounter()
        let puller = try EventPatternTests.recordingPuller(
            recorder, counter, options: .init(maximumConcurrentHandlers: 1))
        let pusher = try Pusher(connect: [try puller.bind(TestTransport.ipc.bindEndpoint())])
        for n in 0..<2000 { try await pusher.send("job", [.int(Int64(n))]) }
        await counter.wait(untilAtLeast: 2000)
        #expect(recorder.recorded == Array(0..<2000))
        await pusher.close()
        await puller.close()
    }

    @Test func aPusherWithNoPullerWaitsOrTimesOutAsChosen() async throws {
        let endpoint = TestTransport.tcp.bindEndpoint()
        let impatient = try Pusher(options: .init(sendTimeout: .milliseconds(50)))
        let bound = try impatient.bind(endpoint)
        await #expect(throws: RPCError.timeout(method: "job", after: .milliseconds(50))) {
            try await impatient.send("job", [1])
        }
        let immediate = try Pusher(options: .init(sendTimeout: .zero))
        try immediate.bind(TestTransport.inproc.bindEndpoint())
        await #expect(throws: RPCError.timeout(method: "job", after: .zero)) { try await immediate.send("job", [1]) }

        // The default waits for as long as it takes: here, until a puller connects.
        let patient = try Pusher()
        let patientEndpoint = try patient.bind(TestTransport.tcp.bindEndpoint())
        let sent = TestGate()
        let sending = Task {
            try await patient.send("job", [7])
            sent.open()
        }
        try await waitUntil { patient.socket.state.withLock { $0.hasWaitingSends } }
        #expect(!sent.isOpen)
        let recorder = TestRecorder<Int64>()
        let counter = TestCounter()
        let puller = try EventPatternTests.recordingPuller(recorder, counter)
        try puller.connect(patientEndpoint)
        try await sending.value
        await counter.wait(untilAtLeast: 1)
        #expect(recorder.recorded == [7])
        _ = bound
        for pusher in [impatient, immediate, patient] { await pusher.close() }
        await puller.close()
    }

    @Test func aWaitingSendEndsWhenItsTaskIsCancelledOrThePusherCloses() async throws {
        let pusher = try Pusher()
        try pusher.bind(TestTransport.inproc.bindEndpoint())
        let cancelled = Task { try await pusher.send("job", [1]) }
        try await waitUntil { pusher.socket.state.withLock { $0.hasWaitingSends } }
        let queuedBehind = Task { try await pusher.send("job", [2]) }
        try await waitUntil { pusher.socket.state.withLock { $0.waiting.count } == 2 }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        await pusher.close()
        await #expect(throws: RPCError.closed) { try await queuedBehind.value }
    }
}
