import Testing
import ZeroRPC
import ZeroRPCTestSupport

/// `Generator(method:body:)`: a generator whose body runs in this process, with the
/// rules of a remote one. Public API only, as a user writing a mock sees it.
@Suite(.timeLimit(.minutes(1))) struct LocalGeneratorTests {
    @Test func theBodyStartsAtTheFirstStepAndRunsToItsFirstYield() async throws {
        let started = TestCounter()
        let echo = Generator<String, String>(method: "echo") { generator in
            started.increment()
            var reply = "ready"
            while let sent = try await generator.yield(reply) {
                reply = sent.uppercased()
            }
        }
        #expect(started.value == 0, "the body ran before the first step")
        #expect(try await echo.send("dropped") == "ready")
        #expect(started.value == 1)
        #expect(try await echo.send("hi") == "HI")
        #expect(try await echo.next() == nil, "a plain next() made the body return")
        #expect(try await echo.send("late") == nil, "steps after the end answer nil")
        await echo.close()
        await #expect(throws: GeneratorError.closed(method: "echo")) { try await echo.next() }
    }

    @Test func aThrowAsTheFirstStepEndsTheGeneratorBeforeTheBodyRuns() async throws {
        let started = TestCounter()
        let generator = Generator<Int64, Int64> { generator in
            started.increment()
            _ = try await generator.yield(1)
        }
        await #expect(throws: RemoteError(name: "ValueError", message: "no")) {
            try await generator.throw(RemoteThrow(name: "ValueError", message: "no"))
        }
        #expect(try await generator.next() == nil)
        #expect(started.value == 0)
    }

    @Test func whatTheBodyThrowsTheStepThrows() async throws {
        struct Refused: Error, Equatable { let reason: String }
        let generator = Generator<Int64, Int64>(method: "strict") { generator in
            guard let sent = try await generator.yield(0), sent >= 0 else { return }
            throw Refused(reason: "negative later")
        }
        #expect(try await generator.next() == 0)
        await #expect(throws: Refused(reason: "negative later")) { try await generator.send(1) }
        #expect(try await generator.next() == nil)
    }

    @Test func closingBeforeTheFirstStepNeverRunsTheBody() async throws {
        let started = TestCounter()
        let generator = Generator<Int64, Int64> { generator in
            started.increment()
            _ = try await generator.yield(1)
        }
        await generator.close()
        await #expect(throws: GeneratorError.closed(method: "local")) { try await generator.next() }
        #expect(started.value == 0)
    }

    @Test func twoTasksSteppingAtOnceIsAnError() async throws {
        let entered = TestGate()
        let release = TestGate()
        let generator = Generator<Int64, Int64>(method: "slow") { generator in
            entered.open()
            await release.wait()
            _ = try await generator.yield(1)
        }
        let first = Task { try await generator.next() }
        #expect(await opens(entered))
        await #expect(throws: GeneratorError.concurrentUse(method: "slow")) { try await generator.next() }
        release.open()
        #expect(try await first.value == 1)
        await generator.close()
    }

    @Test func cancellingTheSteppingTaskCancelsTheBody() async throws {
        let waiting = TestGate()
        let cleanedUp = TestGate()
        let generator = Generator<Int64, Int64> { generator in
            defer { cleanedUp.open() }
            _ = try await generator.yield(1)
            waiting.open()
            try await Task.sleep(for: .seconds(3600))  // a long computation that honours cancellation
            _ = try await generator.yield(2)
        }
        #expect(try await generator.next() == 1)
        let step = Task { try await generator.next() }
        #expect(await opens(waiting))
        step.cancel()
        await #expect(throws: CancellationError.self) { try await step.value }
        #expect(await opens(cleanedUp))
        #expect(try await generator.next() == nil)
    }

    @Test func droppingTheGeneratorCancelsItsBody() async throws {
        let cleanedUp = TestGate()
        var generator: Generator<Int64, Int64>? = Generator { generator in
            defer { cleanedUp.open() }
            while true { _ = try await generator.yield(7) }
        }
        #expect(try await generator?.next() == 7)
        generator = nil
        #expect(await opens(cleanedUp))
    }

    @Test func iteratingTakesPlainNextSteps() async throws {
        let countdown = Generator<Int64, Int64> { generator in
            for n in stride(from: Int64(3), through: 1, by: -1) {
                _ = try await generator.yield(n)
            }
        }
        var seen: [Int64] = []
        for try await n in countdown { seen.append(n) }
        #expect(seen == [3, 2, 1])
    }

    @Test func valuesCrossAsMessagePack() async throws {
        let generator = Generator<MessagePackValue, MessagePackValue> { generator in
            var sent = try await generator.yield(.map([.init(key: "hello", value: .array([1, 2.5, nil, true]))]))
            while let value = sent { sent = try await generator.yield(.array([value, value])) }
        }
        #expect(try await generator.next() == .map([.init(key: "hello", value: .array([1, 2.5, nil, true]))]))
        #expect(try await generator.send(.string("x")) == .array(["x", "x"]))
        #expect(try await generator.send(.nil) == nil, "a sent nil reads as a plain next(), as on the wire")
    }
}
