import Foundation
import Synchronization
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// A stream alone on its client is received by the task iterating it
/// (`ClientLoop.leadChannel`, `ClientOptions.callerReplyWait`), as a C client loops over
/// `zmq_recv`, while the I/O thread leaves the socket alone. These tests check that it
/// happens, and that the I/O thread takes the socket back whenever it must: another call
/// on the client, or a consumer that stops iterating for a while.
@Suite("Streams: a consumer receiving for itself", .timeLimit(.minutes(2)))
struct ConsumerLedStreamTests {
    private func ledBatches(_ client: Client) -> Int {
        client.loop.loop.batchesLedByConsumers.load(ordering: .relaxed)
    }

    private func itemsTakenInPlace(_ client: Client) -> Int {
        client.loop.loop.itemsTakenInPlace.load(ordering: .relaxed)
    }

    private func fixture(wait: Duration, heartbeat: Duration = TestTiming.heartbeat) throws -> ServerFixture {
        try ServerFixture(
            .tcp, serverOptions: .init(heartbeatInterval: heartbeat),
            clientOptions: .init(heartbeatInterval: heartbeat, callerReplyWait: wait)
        ) {
            try $0.register(CountingCalculator())
            try $0.register(Calculator())
            try $0.register(Trickle())
            try $0.register(Scripted())
        }
    }

    /// `method(argument)` as a typed stream of `Element`s.
    private func stream<Element: MessagePackDecodable & Sendable>(
        _ fixture: ServerFixture, _ method: String, _ argument: some MessagePackEncodable,
        as element: Element.Type
    ) async throws -> ResponseStream<Element> {
        try await fixture.client.stream(
            method, options: .defaults, declaredErrors: [],
            arguments: { writer in
                writer.writeArrayHeader(1)
                writer.write(argument)
            },
            element: element)
    }

    @Test func aStreamAloneOnItsClientIsReceivedByItsConsumer() async throws {
        // Items a millisecond apart, and a wait far longer: the consumer runs out of items
        // at every one, and receives the next itself whenever the I/O thread is not
        // mid-turn.
        //
        // On a loaded machine the consumer may get the CPU so late that items wait for it
        // every time and it never runs out: then the stream runs again, up to five times
        // (one run is enough on an idle machine; under a parallel `swift test` one run once
        // ended without a single batch led by the consumer).
        let fixture = try fixture(wait: .milliseconds(100))
        defer { Task { await fixture.close() } }
        for _ in 0..<5 {
            var items: [Int64] = []
            for try await item in try await fixture.client.stream("trickle", [.int(200)]) {
                items.append(item.int64Value ?? -1)
            }
            #expect(items == Array(1...200))
            if ledBatches(fixture.client) > 0 { break }
        }
        #expect(ledBatches(fixture.client) > 0)
    }

    /// A fast stream: the consumer leads whenever it runs out, and every item arrives once,
    /// in order, whoever received it.
    @Test func aFastStreamArrivesWholeWhoeverReceivesIt() async throws {
        let fixture = try fixture(wait: .milliseconds(2))
        defer { Task { await fixture.close() } }
        var items: [Int64] = []
        for try await n in try await StreamingCalculator.Client(fixture.client).count(to: 20_000) { items.append(n) }
        #expect(items == Array(1...20_000))
    }

    @Test func noBatchIsLedWhenTheWaitIsZero() async throws {
        let fixture = try fixture(wait: .zero)
        defer { Task { await fixture.close() } }
        var items: [Int64] = []
        for try await n in try await StreamingCalculator.Client(fixture.client).count(to: 5_000) { items.append(n) }
        #expect(items == Array(1...5_000))
        #expect(ledBatches(fixture.client) == 0)
    }

    /// Items the consumer takes where it received them (`EventEnvelope.streamItem`) arrive
    /// whole and in order, and the stream's end is still seen.
    @Test func itemsTakenInPlaceArriveInOrder() async throws {
        // Items a millisecond apart, and a wait far longer: the consumer runs out of items
        // at every one, and takes the next in place whenever it can lead.
        //
        // On a loaded machine the consumer may get the CPU so late that items wait for it
        // every time (and arrive several to a message, through the I/O thread) and it
        // never leads: then the stream runs again, up to five times, as in
        // `aStreamAloneOnItsClientIsReceivedByItsConsumer` (a fresh clone's `make test`
        // once took 13 s over this stream and took nothing in place).
        let fixture = try fixture(wait: .milliseconds(100))
        defer { Task { await fixture.close() } }
        for _ in 0..<5 {
            var items: [Int64] = []
            for try await n in try await stream(fixture, "trickle", Int64(300), as: Int64.self) { items.append(n) }
            #expect(items == Array(1...300))
            if itemsTakenInPlace(fixture.client) > 0 { break }
        }
        #expect(itemsTakenInPlace(fixture.client) > 0)
    }

    /// An item that is not an `Element`, in a burst the consumer takes in place: it fails
    /// the iteration at its own place, after every item before it and none after.
    @Test func anItemThatIsNotAnElementFailsTheIterationAtItsPlace() async throws {
        let fixture = try fixture(wait: .milliseconds(100))
        defer { Task { await fixture.close() } }
        var items: [Int64] = []
        let error = await #expect(throws: RPCError.self) {
            for try await n in try await stream(fixture, "scripted", "bad item after 300", as: Int64.self) {
                items.append(n)
            }
        }
        #expect(items == Array(1...300))
        guard case .invalidResult(let method, _)? = error else {
            Issue.record("expected invalidResult, got \(String(describing: error))")
            return
        }
        #expect(method == "scripted")
        #expect(itemsTakenInPlace(fixture.client) > 0)
    }

    /// Large items (kept in libzmq's message, `LargePayload.threshold`, and delivered the
    /// general way) among small ones (mostly taken in place; how many depends on when the
    /// consumer gets to lead, so it is not asserted), then an error: every item in its
    /// order, then the error.
    @Test func largeAndSmallItemsKeepTheirOrderUpToTheError() async throws {
        let fixture = try fixture(wait: .milliseconds(100))
        defer { Task { await fixture.close() } }
        var blobs: [Data] = []
        let error = await #expect(throws: RemoteError.self) {
            for try await blob in try await stream(fixture, "scripted", "blobs then error", as: Data.self) {
                blobs.append(blob)
            }
        }
        #expect(error?.message.contains("the script ends in an error") == true, "\(String(describing: error))")
        #expect(blobs.count == Scripted.blobCount)
        for (index, blob) in blobs.enumerated() {
            #expect(blob == Scripted.blob(index), "blob \(index)")
        }
    }

    /// A unary call started mid-stream makes the stream no longer the one open call: the
    /// I/O thread watches the socket again, the call is answered, and the stream goes on.
    @Test func aCallStartedMidStreamIsAnsweredAndTheStreamGoesOn() async throws {
        let fixture = try fixture(wait: .milliseconds(2))
        defer { Task { await fixture.close() } }
        var items: [Int64] = []
        for try await n in try await StreamingCalculator.Client(fixture.client).count(to: 10_000) {
            items.append(n)
            if n % 2_000 == 0 {
                #expect(try await fixture.client.add(n, 1) == n + 1)
            }
        }
        #expect(items == Array(1...10_000))
    }

    /// A consumer that stops iterating for several heartbeat periods after receiving for
    /// itself: the I/O thread takes the socket back after `ClientLoop.consumerLeadGrace`,
    /// so the server's heartbeats are read and the stream is not taken for lost; every
    /// item arrives, in order. Without the takeback, nothing reads the socket during the
    /// pause whenever the consumer still held the lead when it paused (most runs), and the
    /// iteration ends with `lostRemote`.
    @Test func aConsumerPausingForHeartbeatsKeepsItsStream() async throws {
        // One-second periods: with half a second, a whole parallel run on two cores once
        // kept the client's I/O thread from reading for the two periods that mean "lost"
        // (session 14). Without the takeback it fails with either.
        let heartbeat = TestTiming.patient(.seconds(1))
        // Items a millisecond apart, and a wait far longer: the consumer runs out of items
        // at every one and receives the next itself.
        let fixture = try fixture(wait: .milliseconds(100), heartbeat: heartbeat)
        defer { Task { await fixture.close() } }
        var items: [Int64] = []
        for try await item in try await fixture.client.stream("trickle", [.int(200)]) {
            items.append(item.int64Value ?? -1)
            if items.count == 100 {
                #expect(ledBatches(fixture.client) > 0, "the consumer received for itself before its pause")
                // Well past the two periods after which an unread peer counts as lost.
                try await Task.sleep(for: heartbeat * 5)
            }
        }
        #expect(items == Array(1...200))
    }

    /// Several streams at once on one client: none is alone, so none is received by its
    /// consumer, and all end whole.
    @Test func concurrentStreamsAreReceivedByTheIOThread() async throws {
        let fixture = try fixture(wait: .milliseconds(2))
        defer { Task { await fixture.close() } }
        let calculator = StreamingCalculator.Client(fixture.client)
        try await withThrowingTaskGroup(of: [Int64].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var items: [Int64] = []
                    for try await n in try await calculator.count(to: 2_000) { items.append(n) }
                    return items
                }
            }
            for try await items in group {
                #expect(items == Array(1...2_000))
            }
        }
    }
}

/// `trickle(n)`: streams 1...n, a millisecond apart.
private struct Trickle: RegistrableService {
    static var namespace: String? { nil }
    static var interfaceDefinition: String { "" }

    var methods: [ServiceMethod] {
        [
            .stream("trickle", parameters: [.init(name: "n")], doc: nil, element: Int64.self) { arguments, stream, _ in
                let count = try arguments.next(Int64.self, name: "n")
                try arguments.finish()
                for item in 1...max(1, count) {
                    try await Task.sleep(for: .milliseconds(1))
                    try await stream.write(item)
                }
            }
        ]
    }
}

/// `scripted(script)`: streams what the script names, the first items a millisecond apart
/// so the consumer runs out and receives for itself, then bursts.
private struct Scripted: RegistrableService {
    static var namespace: String? { nil }
    static var interfaceDefinition: String { "" }
    static let blobCount = 60

    /// Blob `index`: 16 bytes or, every third one, 40 KiB (over `LargePayload.threshold`).
    static func blob(_ index: Int) -> Data {
        Data(repeating: UInt8(truncatingIfNeeded: index), count: index % 3 == 2 ? 40 * 1024 : 16)
    }

    var methods: [ServiceMethod] {
        [
            .stream("scripted", parameters: [.init(name: "script")], doc: nil, element: MessagePackValue.self) {
                arguments, stream, _ in
                let script = try arguments.next(String.self, name: "script")
                try arguments.finish()
                switch script {
                case "bad item after 300":
                    for item in 1...400 {
                        if item <= 100 { try await Task.sleep(for: .milliseconds(1)) }
                        if item == 301 { try await stream.write(MessagePackValue.string("not an int")) }
                        try await stream.write(MessagePackValue.int(Int64(item)))
                    }
                default:
                    for index in 0..<Self.blobCount {
                        if index < 30 { try await Task.sleep(for: .milliseconds(1)) }
                        try await stream.write(MessagePackValue.binary(Self.blob(index)))
                    }
                    throw RemoteError(name: "ValueError", message: "the script ends in an error")
                }
            }
        ]
    }
}

@Suite struct ConsumerLeadWaitTests {
    /// `callerReplyWait` becomes the consumer's wait inside libzmq in whole milliseconds,
    /// rounded up, and capped at `Int32.max` without trapping on a huge wait.
    @Test(arguments: [
        (Duration.microseconds(1), Int32(1)), (.milliseconds(2), 2), (.microseconds(2_001), 3),
        (.seconds(3), 3_000), (.seconds(Int64.max), .max), (.seconds(3_000_000), .max),
    ])
    func theWaitIsRoundedUpToWholeMillisecondsAndCapped(_ wait: Duration, _ milliseconds: Int32) throws {
        let client = try Client(connect: ["tcp://127.0.0.1:9"])
        defer { Task { await client.close() } }
        #expect(ConsumerLead(loop: client.loop, wait: wait).waitMilliseconds == milliseconds)
    }
}

@Suite struct HugeClientDurationTests {
    /// A linger too long to count in milliseconds is capped, not an arithmetic trap, and a
    /// client with nothing unsent closes at once.
    @Test func aHugeLingerOnCloseIsCappedAndAnIdleClientCloses() async throws {
        let client = try Client(connect: ["tcp://127.0.0.1:9"], options: .init(lingerOnClose: .seconds(Int64.max)))
        await client.close()
        await #expect(throws: RPCError.closed) { try await client.call("anything", []) }
    }
}
