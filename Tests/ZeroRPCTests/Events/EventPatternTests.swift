import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// The four event roles end to end over real sockets: who gets which event, on every
/// transport, with either side binding, over several endpoints.
@Suite struct EventPatternTests {
    /// A puller that records the `n` of every `job(n)` event.
    static func recordingPuller(
        _ recorder: TestRecorder<Int64>, _ counter: TestCounter, options: EventReceiverOptions = .init()
    ) throws -> Puller {
        let puller = Puller(options: options)
        try puller.register(name: "job") { arguments, _ in
            recorder.record(arguments[0].int64Value ?? -1)
            counter.increment()
        }
        return puller
    }

    @Test(arguments: TestTransport.allCases)
    func pushedEventsReachThePullerOnEveryTransport(_ transport: TestTransport) async throws {
        let recorder = TestRecorder<Int64>()
        let counter = TestCounter()
        let puller = try Self.recordingPuller(recorder, counter)
        let pusher = try Pusher(connect: [try puller.bind(transport.bindEndpoint())])
        for n in 0..<100 { try await pusher.send("job", [.int(Int64(n))]) }
        await counter.wait(untilAtLeast: 100)
        #expect(Set(recorder.recorded) == Set(0..<100))
        #expect(puller.statistics == EventReceiverStatistics(received: 100, handled: 100))
        await pusher.close()
        await puller.close()
    }

    @Test(arguments: [TestTransport.inproc, .tcp])
    func thePusherMayBindAndThePullerConnect(_ transport: TestTransport) async throws {
        let recorder = TestRecorder<Int64>()
        let counter = TestCounter()
        let pusher = try Pusher(options: .init(sendTimeout: .seconds(20)))
        let endpoint = try pusher.bind(transport.bindEndpoint())
        let puller = try Self.recordingPuller(recorder, counter)
        try puller.connect(endpoint)
        for n in 0..<10 { try await pusher.send("job", [.int(Int64(n))]) }
        await counter.wait(untilAtLeast: 10)
        #expect(recorder.recorded.sorted() == Array(0..<10))
        await pusher.close()
        await puller.close()
    }

    /// One pusher connected to two pullers: each event is handled exactly once, and both
    /// get work (ZeroMQ round-robins over the connected pullers).
    @Test func aPusherWithTwoEndpointsSharesTheWork() async throws {
        let recorders = [TestRecorder<Int64>(), TestRecorder<Int64>()]
        let counter = TestCounter()
        let pullers = try recorders.map { try Self.recordingPuller($0, counter) }
        let endpoints = try pullers.map { try $0.bind(TestTransport.tcp.bindEndpoint()) }
        let pusher = try Pusher(connect: endpoints)
        // With ZMQ_IMMEDIATE a pipe exists only once its connection is up; a probe to
        // each proves both are, so the round robin below covers both pullers.
        var probe: Int64 = 1000
        try await publishProbes(until: { recorders.allSatisfy { !$0.recorded.isEmpty } }) {
            try await pusher.send("job", [.int(probe)])
            probe += 1
        }
        let probes = recorders.map(\.recorded.count).reduce(0, +)
        for n in 0..<200 { try await pusher.send("job", [.int(Int64(n))]) }
        await counter.wait(untilAtLeast: probes + 200)
        let work = recorders.map { $0.recorded.filter { $0 < 1000 } }
        #expect(work.allSatisfy { !$0.isEmpty })
        #expect((work[0] + work[1]).sorted() == Array(0..<200))
        await pusher.close()
        for puller in pullers { await puller.close() }
    }

    @Test(arguments: TestTransport.allCases)
    func everySubscriberGetsEveryPublishedEvent(_ transport: TestTransport) async throws {
        let publisher = try Publisher()
        let endpoint = try publisher.bind(transport.bindEndpoint())
        let recorders = [TestRecorder<Int64>(), TestRecorder<Int64>()]
        let counters = [TestCounter(), TestCounter()]
        let probesSeen = [TestCounter(), TestCounter()]
        var subscribers: [Subscriber] = []
        for index in 0..<2 {
            let subscriber = Subscriber()
            try subscriber.register(name: "probe") { _, _ in probesSeen[index].increment() }
            try subscriber.register(name: "tick") { arguments, _ in
                recorders[index].record(arguments[0].int64Value ?? -1)
                counters[index].increment()
            }
            try subscriber.connect(endpoint)
            subscribers.append(subscriber)
        }
        try await publishProbes(until: { probesSeen.allSatisfy { $0.value > 0 } }) {
            try await publisher.send("probe", [])
        }
        for n in 0..<50 { try await publisher.send("tick", [.int(Int64(n))]) }
        for counter in counters { await counter.wait(untilAtLeast: 50) }
        for recorder in recorders { #expect(recorder.recorded.sorted() == Array(0..<50)) }
        await publisher.close()
        for subscriber in subscribers { await subscriber.close() }
    }

    /// The subscriber binds and several publishers connect to it (a collector).
    @Test func aBoundSubscriberHearsSeveralConnectedPublishers() async throws {
        let subscriber = Subscriber()
        let seen = TestRecorder<String>()
        try subscriber.register(name: "hello") { arguments, _ in seen.record(arguments[0].stringValue ?? "?") }
        let endpoint = try subscriber.bind(TestTransport.ipc.bindEndpoint())
        let publishers = try (0..<2).map { _ in try Publisher(connect: [endpoint]) }
        for (index, publisher) in publishers.enumerated() {
            try await publishProbes(until: { seen.recorded.contains("p\(index)") }) {
                try await publisher.send("hello", [.string("p\(index)")])
            }
        }
        #expect(Set(seen.recorded) == ["p0", "p1"])
        for publisher in publishers { await publisher.close() }
        await subscriber.close()
    }

    /// With nobody subscribed (or nobody with room) a publisher drops, it never waits:
    /// even a zero send timeout, which fails a pusher at once, never fires.
    @Test func aPublisherWithNoSubscriberNeverWaits() async throws {
        let publisher = try Publisher(options: .init(sendTimeout: .zero, highWaterMark: 1))
        try publisher.bind(TestTransport.inproc.bindEndpoint())
        for n in 0..<10_000 { try await publisher.send("tick", [.int(Int64(n))]) }
        #expect(!publisher.socket.state.withLock { $0.hasWaitingSends })
        await publisher.close()
    }

    /// `close()` right after sending still delivers: the socket lingers.
    @Test func eventsSentJustBeforeCloseStillArrive() async throws {
        let recorder = TestRecorder<Int64>()
        let counter = TestCounter()
        let puller = try Self.recordingPuller(recorder, counter)
        let endpoint = try puller.bind(TestTransport.tcp.bindEndpoint())
        let pusher = try Pusher(connect: [endpoint])
        for n in 0..<500 { try await pusher.send("job", [.int(Int64(n))]) }
        await pusher.close()
        await counter.wait(untilAtLeast: 500)
        #expect(recorder.recorded.sorted() == Array(0..<500))
        await puller.close()
    }

    @Test func closedSendersAndReceiversRefuseWork() async throws {
        let pusher = try Pusher()
        await pusher.close()
        await pusher.close()
        await #expect(throws: RPCError.closed) { try await pusher.send("job", []) }
        #expect(throws: RPCError.closed) { try pusher.bind("inproc://closed-pusher") }

        let puller = Puller()
        await puller.close()
        #expect(throws: RPCError.closed) { try puller.bind("inproc://closed-puller") }
        await puller.run()  // returns at once
    }

    @Test func aBadEndpointIsReportedAtOnce() throws {
        let publisher = try Publisher()
        #expect(throws: RPCError.self) { try publisher.bind("nonsense://x") }
        let subscriber = Subscriber()
        #expect(throws: RPCError.self) { try subscriber.connect("tcp://") }
    }

    @Test func aWireNameRegisteredTwiceIsRefused() throws {
        let puller = Puller()
        try puller.register(name: "job") { _, _ in }
        #expect(throws: RPCError.duplicateMethod("job")) { try puller.register(name: "job") { _, _ in } }
    }
}
