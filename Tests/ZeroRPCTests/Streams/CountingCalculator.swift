import ZeroRPC
import ZeroRPCTestSupport

/// The implementation the stream and generator tests serve, behind the
/// `StreamingCalculator` the plugin generates from `Schemas/streaming_calculator.rpc`:
/// `count` streams 1...to, `runningTotal` adds what it is sent. Both record how they ended.
struct CountingCalculator: StreamingCalculator.Service {
    let events = HandlerEvents()

    func count(to: Int64, stream: StreamWriter<Int64>, context: ServerContext) async throws {
        events.started.open()
        do {
            var n: Int64 = 1
            while n <= to {
                try await stream.write(n)
                events.written.increment()
                n += 1
            }
        } catch is CancellationError {
            events.cancelled.open()
            throw CancellationError()
        }
    }

    func runningTotal(generator: GeneratorContext<Int64, Int64>, context: ServerContext) async throws {
        events.started.open()
        defer { events.cleanedUp.open() }
        var total: Int64 = 0
        while true {
            do {
                let sent = try await generator.yield(total)
                total += sent ?? 0
            } catch let error as RemoteThrow where error.name == "Reset" {
                total = 0
            } catch is CancellationError {
                events.cancelled.open()
                throw CancellationError()
            }
        }
    }
}

/// What a test handler went through, as events a test can await.
final class HandlerEvents: Sendable {
    let started = TestGate()
    let cancelled = TestGate()
    let cleanedUp = TestGate()
    let written = TestCounter()
}
