import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

@Suite("Streams: two-way generators", .timeLimit(.minutes(2)))
struct GeneratorTests {
    func withCalculator(
        _ transport: TestTransport = .inproc,
        _ body: (StreamingCalculator.Client, CountingCalculator, ServerFixture) async throws -> Void
    ) async throws {
        let service = CountingCalculator()
        let fixture = try ServerFixture(transport) {
            try $0.register(service)
            try $0.register(GeneratorKinds())
        }
        do {
            try await body(StreamingCalculator.Client(fixture.client), service, fixture)
        } catch {
            await fixture.close()
            throw error
        }
        await fixture.close()
    }

    @Test(arguments: TestTransport.allCases)
    func nextAndSendRunInLockStep(_ transport: TestTransport) async throws {
        try await withCalculator(transport) { calculator, service, _ in
            let totals = try await calculator.runningTotal()
            #expect(!service.events.started.isOpen, "the body starts at the first step, not at the call")
            #expect(try await totals.next() == 0)
            #expect(service.events.started.isOpen)
            #expect(try await totals.send(5) == 5)
            #expect(try await totals.send(7) == 12)
            #expect(try await totals.next() == 12)
            await totals.close()
        }
    }

    @Test func closeCancelsTheHandlerAndReturnsAfterItsCleanup() async throws {
        try await withCalculator { calculator, service, _ in
            let totals = try await calculator.runningTotal()
            #expect(try await totals.next() == 0)
            await totals.close()
            #expect(service.events.cancelled.isOpen)
            #expect(service.events.cleanedUp.isOpen, "close() returned before the handler's defer ran")
            await totals.close()  // again: harmless
        }
    }

    @Test func usingAGeneratorAfterCloseIsAClearError() async throws {
        try await withCalculator { calculator, _, _ in
            let totals = try await calculator.runningTotal()
            await totals.close()
            await #expect(throws: GeneratorError.closed(method: "calc.running_total")) { try await totals.next() }
            await #expect(throws: GeneratorError.closed(method: "calc.running_total")) { try await totals.send(1) }
        }
    }

    @Test func droppingTheGeneratorClosesIt() async throws {
        try await withCalculator { calculator, service, _ in
            do {
                let totals = try await calculator.runningTotal()
                #expect(try await totals.send(3) == 0)
            }
            #expect(await opens(service.events.cleanedUp, within: .seconds(1)))
            #expect(service.events.cancelled.isOpen)
        }
    }

    @Test func aThrowTheHandlerCatchesLetsItGoOn() async throws {
        try await withCalculator { calculator, _, _ in
            let totals = try await calculator.runningTotal()
            _ = try await totals.next()
            #expect(try await totals.send(10) == 10)
            #expect(try await totals.throw(RemoteThrow(name: "Reset", message: "")) == 0)
            #expect(try await totals.send(2) == 2)
            await totals.close()
        }
    }

    @Test func aThrowTheHandlerDoesNotCatchEndsTheGeneratorWithThatError() async throws {
        try await withCalculator { calculator, service, _ in
            let totals = try await calculator.runningTotal()
            _ = try await totals.next()
            let error = await #expect(throws: RemoteError.self) {
                try await totals.throw(RemoteThrow(name: "ValueError", message: "stop"))
            }
            #expect(error?.name == "ValueError")
            #expect(error?.message == "stop")
            #expect(await opens(service.events.cleanedUp, within: .seconds(1)))
            #expect(try await totals.next() == nil, "a finished generator yields nothing more")
        }
    }

    @Test func plainIterationAndNormalEnd() async throws {
        try await withCalculator { _, _, fixture in
            let squares = try await fixture.client.generator("squares", [4])
            var seen: [MessagePackValue] = []
            for try await square in squares { seen.append(square) }
            #expect(seen == [0, 1, 4, 9])
            #expect(try await squares.next() == nil)
        }
    }

    @Test func anErrorInTheBodyIsThrownByTheStepThatReachedIt() async throws {
        try await withCalculator { _, _, fixture in
            let gen = try await fixture.client.generator("fails_at", [2])
            #expect(try await gen.next() == 0)
            #expect(try await gen.next() == 1)
            let error = await #expect(throws: RemoteError.self) { try await gen.next() }
            #expect(error?.name == "GeneratorFailure")
        }
    }

    @Test func aSentValueOfTheWrongTypeIsATypeError() async throws {
        try await withCalculator { calculator, _, fixture in
            let untyped = try await fixture.client.generator("calc.running_total", [])
            #expect(try await untyped.next() == 0)
            let error = await #expect(throws: RemoteError.self) { try await untyped.send("five") }
            #expect(error?.name == "TypeError")
            _ = calculator
        }
    }

    @Test func cancellingAStepClosesTheGenerator() async throws {
        try await withCalculator { _, _, fixture in
            let gate = GeneratorKinds.stuckGate
            let gen = try await fixture.client.generator("stuck", [])
            let step = Task { try await gen.next() }
            await gate.entered.wait()
            step.cancel()
            await #expect(throws: CancellationError.self) { try await step.value }
            #expect(await opens(gate.cancelled, within: .seconds(1)))
        }
    }

    /// A stock client never sends `ext`: a generator then runs like a stream, its
    /// `_zpc_more [n]` counting as n nexts.
    @Test func aStockClientIteratesAGeneratorAsAStream() async throws {
        try await withCalculator(.tcp) { _, _, fixture in
            let peer = try RawPeer(.dealer, connect: fixture.endpoint, answersHeartbeats: true)
            let channel = peer.sendRequest("squares", arguments: encoded([.int(5)]))
            let first = await peer.receiveReplies(1)
            #expect(first.map(\.name) == ["STREAM"])
            peer.sendGrant(.int(100), on: channel)
            let rest = await peer.receiveReplies(5)
            #expect(rest.map(\.name) == ["STREAM", "STREAM", "STREAM", "STREAM", "STREAM_DONE"])
            #expect((first + rest).compactMap(\.arguments).prefix(5) == [0, 1, 4, 9, 16])
        }
    }

    @Test func manyGeneratorsAtOnceOnOneClient() async throws {
        try await withCalculator(.ipc) { calculator, _, _ in
            try await withThrowingTaskGroup(of: Int64?.self) { group in
                for i in Int64(1)...30 {
                    group.addTask {
                        let totals = try await calculator.runningTotal()
                        _ = try await totals.next()
                        for _ in 0..<10 { _ = try await totals.send(i) }
                        let total = try await totals.next()
                        await totals.close()
                        return total == i * 10 ? nil : total
                    }
                }
                for try await wrong in group { #expect(wrong == nil) }
            }
        }
    }
}

/// Generators over dynamic values for the paths the calculator does not cover.
struct GeneratorKinds: RegistrableService {
    final class StuckGate: Sendable {
        let entered = TestGate()
        let cancelled = TestGate()
    }

    static let stuckGate = StuckGate()
    struct GeneratorFailure: Error {}

    static var namespace: String? { nil }
    static var interfaceDefinition: String { "" }

    var methods: [ServiceMethod] {
        [
            .generator("squares", parameters: [.init(name: "n")], doc: nil, yield: Int64.self, sent: Int64.self) {
                arguments, generator, _ in
                let n = try arguments.next(Int64.self, name: "n")
                try arguments.finish()
                for i in 0..<n { _ = try await generator.yield(i * i) }
            },
            .generator("fails_at", parameters: [.init(name: "n")], doc: nil, yield: Int64.self, sent: Int64.self) {
                arguments, generator, _ in
                let n = try arguments.next(Int64.self, name: "n")
                for i in 0..<n { _ = try await generator.yield(i) }
                throw GeneratorFailure()
            },
            .generator("stuck", parameters: [], doc: nil, yield: Int64.self, sent: Int64.self) { _, _, _ in
                Self.stuckGate.entered.open()
                do {
                    try await Task.sleep(for: .seconds(60))
                } catch {
                    Self.stuckGate.cancelled.open()
                    throw error
                }
            },
        ]
    }
}
