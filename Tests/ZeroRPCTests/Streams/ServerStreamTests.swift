import Foundation
import Synchronization
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

@Suite("Streams: server streams", .timeLimit(.minutes(2)))
struct ServerStreamTests {
    func withCalculator(
        _ transport: TestTransport = .inproc,
        _ body: (StreamingCalculator.Client, CountingCalculator) async throws -> Void
    ) async throws {
        let service = CountingCalculator()
        let fixture = try ServerFixture(transport) { try $0.register(service) }
        do {
            try await body(StreamingCalculator.Client(fixture.client), service)
        } catch {
            await fixture.close()
            throw error
        }
        await fixture.close()
    }

    @Test(arguments: TestTransport.allCases)
    func generatedClientIteratesTheGeneratedStream(_ transport: TestTransport) async throws {
        try await withCalculator(transport) { calculator, _ in
            var items: [Int64] = []
            for try await n in try await calculator.count(to: 250) { items.append(n) }
            #expect(items == Array(1...250))
        }
    }

    @Test func zeroItemStreamEndsAtOnce() async throws {
        try await withCalculator { calculator, _ in
            var count = 0
            for try await _ in try await calculator.count(to: 0) { count += 1 }
            #expect(count == 0)
        }
    }

    @Test func itemsOfEveryKindOfType() async throws {
        let fixture = try ServerFixture { try $0.register(KindsService()) }
        func collect<T: MessagePackCodable & Sendable & Equatable>(_ method: String, _: T.Type) async throws -> [T] {
            var items: [T] = []
            let stream = try await fixture.client.stream(
                method, options: .defaults, declaredErrors: [], arguments: { $0.writeArrayHeader(0) },
                element: T.self)
            for try await item in stream { items.append(item) }
            return items
        }
        #expect(try await collect("strings", String.self) == KindsService.strings)
        #expect(try await collect("doubles", Double.self) == KindsService.doubles)
        #expect(try await collect("bytes", Data.self) == KindsService.bytes)
        #expect(try await collect("optionals", Int64?.self) == KindsService.optionals)
        #expect(try await collect("arrays", [Int64].self) == KindsService.arrays)
        #expect(try await collect("maps", [String: Int64].self) == KindsService.maps)
        #expect(try await collect("timestamps", Timestamp.self) == KindsService.timestamps)
        #expect(try await collect("structs", DivisionByZero.self) == KindsService.structs)
        #expect(try await collect("values", MessagePackValue.self) == KindsService.values)
        await fixture.close()
    }

    @Test func errorMidStreamIsThrownAfterTheItemsSentBeforeIt() async throws {
        let fixture = try ServerFixture { try $0.register(KindsService()) }
        let stream = try await fixture.client.stream(
            "fails_after", options: .defaults, declaredErrors: [DivisionByZero.self],
            arguments: {
                $0.writeArrayHeader(1); $0.write(Int64(3))
            }, element: Int64.self)
        var items: [Int64] = []
        let error = await #expect(throws: DivisionByZero.self) {
            for try await item in stream { items.append(item) }
        }
        #expect(items == [1, 2, 3])
        #expect(error == DivisionByZero(dividend: 3))
        #expect(try await fixture.client.call("calc.ping", []) == "pong")
        await fixture.close()
    }

    @Test func badArgumentsAreATypeErrorFromTheIteration() async throws {
        let fixture = try ServerFixture { try $0.register(CountingCalculator()) }
        let error = await #expect(throws: RemoteError.self) {
            for try await _ in try await fixture.client.stream("calc.count", ["ten"]) {}
        }
        #expect(error?.name == "TypeError")
        let unknown = await #expect(throws: RemoteError.self) {
            _ = try await fixture.client.stream("calc.nothing", [])
        }
        #expect(unknown?.name == "NameError")
        await fixture.close()
    }

    /// The handler sees the cancellation well within one heartbeat period (1 s here): it
    /// comes from the client's `_zpc_close`, not from heartbeat loss.
    @Test func breakingOutOfTheLoopCancelsTheServerHandler() async throws {
        try await withCalculator { calculator, service in
            var seen: [Int64] = []
            for try await n in try await calculator.count(to: .max) {
                seen.append(n)
                if n == 5 { break }
            }
            #expect(seen == [1, 2, 3, 4, 5])
            #expect(await opens(service.events.cancelled, within: .seconds(1)))
        }
    }

    @Test func droppingTheStreamCancelsTheServerHandler() async throws {
        try await withCalculator { calculator, service in
            do {
                let stream = try await calculator.count(to: .max)
                var iterator = stream.makeAsyncIterator()
                #expect(try await iterator.next() == 1)
            }
            #expect(await opens(service.events.cancelled, within: .seconds(1)))
        }
    }

    @Test func cancellingTheIteratingTaskCancelsTheServerHandler() async throws {
        try await withCalculator { calculator, service in
            let reading = Task {
                for try await _ in try await calculator.count(to: .max) {}
            }
            await service.events.written.wait(untilAtLeast: 10)
            reading.cancel()
            await #expect(throws: CancellationError.self) { try await reading.value }
            #expect(await opens(service.events.cancelled, within: .seconds(1)))
        }
    }

    /// Bounded memory on both sides: at every item the server has written at most the
    /// credit window beyond what the client received. 1,000,000 items in release builds;
    /// debug builds stream 200,000 to keep `make test` fast, and the sanitizer runs
    /// (`make test-asan`/`test-tsan` set `ZERORPC_SANITIZED`) 20,000: the bound is
    /// checked at every item, and 200,000 items under a sanitizer took the CPU the rest
    /// of the suite's timing needs.
    @Test func manySmallItemsStreamWithinTheCreditWindow() async throws {
        #if DEBUG
            let total: Int64 = ProcessInfo.processInfo.environment["ZERORPC_SANITIZED"] == nil ? 200_000 : 20_000
        #else
            let total: Int64 = 1_000_000
        #endif
        try await withCalculator(.ipc) { calculator, service in
            var received: Int64 = 0
            var worstLead = 0
            for try await n in try await calculator.count(to: total) {
                received += 1
                guard n == received else {
                    Issue.record("item \(received) was \(n)")
                    return
                }
                worstLead = max(worstLead, service.events.written.value - Int(received))
            }
            #expect(received == total)
            #expect(worstLead <= ResponseStream<Int64>.creditWindow, "server ran \(worstLead) items ahead")
        }
    }

    @Test func manyConcurrentStreamsShareOneClientSocket() async throws {
        try await withCalculator(.tcp) { calculator, _ in
            try await withThrowingTaskGroup(of: (Int64, [Int64]).self) { group in
                for length in Int64(1)...40 {
                    group.addTask {
                        var items: [Int64] = []
                        for try await n in try await calculator.count(to: length * 10) { items.append(n) }
                        return (length, items)
                    }
                }
                for try await (length, items) in group {
                    #expect(items == Array(1...(length * 10)), "stream of \(length * 10)")
                }
            }
        }
    }

    /// A handler slower than two heartbeat periods between items keeps the stream open:
    /// both ends heartbeat the channel while no data flows.
    @Test func heartbeatsKeepASlowStreamOpen() async throws {
        let fixture = try ServerFixture { try $0.register(KindsService()) }
        var items: [Int64] = []
        for try await item in try await fixture.client.stream("slow_pair", []) {
            items.append(item.int64Value ?? -1)
        }
        #expect(items == [1, 2])
        await fixture.close()
    }

    /// A stock client (no `ext`) gets exactly zerorpc's credit: one item at first, then
    /// exactly as many as each `_zpc_more` grants.
    @Test func serverSendsNoMoreThanTheCreditGranted() async throws {
        let service = CountingCalculator()
        let fixture = try ServerFixture(.tcp) { try $0.register(service) }
        let peer = try RawPeer(.dealer, connect: fixture.endpoint, answersHeartbeats: true)
        let channel = peer.sendRequest("calc.count", arguments: encoded([.int(1000)]))
        let first = await peer.receiveReplies(1)
        #expect(first.map(\.name) == ["STREAM"])
        #expect(first.first?.arguments == 1)
        #expect(first.first?.extensionsRange == nil, "no ext for a stock client")
        await service.events.written.wait(untilAtLeast: 1)
        #expect(await peer.receiveReplies(1, within: .milliseconds(300)).isEmpty, "sent without credit")
        peer.sendGrant(.int(5), on: channel)
        let next = await peer.receiveReplies(5)
        #expect(next.compactMap(\.arguments) == [2, 3, 4, 5, 6])
        #expect(await peer.receiveReplies(1, within: .milliseconds(300)).isEmpty, "sent beyond its credit")
        #expect(service.events.written.value == 6)
        await fixture.close()
    }

    /// A server that stops heartbeating mid-stream ends the iteration with `lostRemote`.
    @Test func lostServerEndsTheIterationWithLostRemote() async throws {
        let silentServer = try RawPeer(.router, bind: "tcp://127.0.0.1:0")
        let client = try Client(connect: [silentServer.endpoint], options: .init(heartbeatInterval: .milliseconds(500)))
        let iteration = Task {
            var items: [MessagePackValue] = []
            for try await item in try await client.stream("anything", [], options: .within(.seconds(30))) {
                items.append(item)
            }
            return items
        }
        guard let frames = await silentServer.receive(), let payload = frames.last,
            let request = try? EventEnvelope(decoding: payload)
        else {
            Issue.record("no request")
            return
        }
        silentServer.send([frames[0], [], StreamEvents.item(Int64(7), responseTo: request.messageID)])
        await #expect(throws: RPCError.lostRemote(method: "anything")) { try await iteration.value }
        await client.close()
    }
}

/// Streams of every kind of item, an error mid-stream and a slow stream. The fixtures
/// are computed, not stored statics, which LeakSanitizer misreads (ARCHITECTURE.md).
struct KindsService: RegistrableService {
    static var strings: [String] { ["", "a", "ünïcødé", String(repeating: "x", count: 70_000)] }
    static var doubles: [Double] { [0, -0.0, 1.5, .infinity, -1e300] }
    static var bytes: [Data] { [Data(), Data([0, 1, 255]), Data(repeating: 7, count: 1000)] }
    static var optionals: [Int64?] { [nil, 1, nil, .min] }
    static var arrays: [[Int64]] { [[], [1], [1, 2, 3]] }
    static var maps: [[String: Int64]] { [[:], ["a": 1, "b": -2]] }
    static var timestamps: [Timestamp] {
        [Timestamp(seconds: 0, nanoseconds: 1), Timestamp(seconds: -5, nanoseconds: 999_999_999)]
    }
    static var structs: [DivisionByZero] { [DivisionByZero(dividend: 1), DivisionByZero(dividend: -2.5)] }
    static var values: [MessagePackValue] {
        [nil, true, .int(-1), .uint(.max), "s", [1, "x"], .map([.init(key: "k", value: 1)])]
    }

    static var namespace: String? { nil }
    static var interfaceDefinition: String { "" }

    private static func items<T: MessagePackEncodable & Sendable>(_ name: String, _ values: [T]) -> ServiceMethod {
        .stream(name, parameters: [], doc: nil, element: T.self) { arguments, stream, _ in
            try arguments.finish()
            try await stream.write(contentsOf: values)
        }
    }

    var methods: [ServiceMethod] {
        [
            Self.items("strings", Self.strings), Self.items("doubles", Self.doubles), Self.items("bytes", Self.bytes),
            Self.items("optionals", Self.optionals), Self.items("arrays", Self.arrays), Self.items("maps", Self.maps),
            Self.items("timestamps", Self.timestamps), Self.items("structs", Self.structs),
            Self.items("values", Self.values),
            .stream("fails_after", parameters: [.init(name: "n")], doc: nil, element: Int64.self) {
                arguments, stream, _ in
                let n = try arguments.next(Int64.self, name: "n")
                try arguments.finish()
                for i in 1...n { try await stream.write(i) }
                throw DivisionByZero(dividend: Double(n))
            },
            .stream("slow_pair", parameters: [], doc: nil, element: Int64.self) { arguments, stream, _ in
                try arguments.finish()
                try await stream.write(1)
                // > 3 heartbeat periods of the fixture's `TestTiming.heartbeat`
                try await Task.sleep(for: TestTiming.patient(.milliseconds(3500)))
                try await stream.write(2)
            },
            .unary("calc.ping", parameters: [], doc: nil) { _, _ in "pong" },
        ]
    }
}
