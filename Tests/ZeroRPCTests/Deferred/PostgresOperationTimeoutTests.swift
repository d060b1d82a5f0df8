import Synchronization
import Testing
import ZeroRPC
import ZeroRPCTestSupport

@testable import ZeroRPCPostgres

/// The PostgreSQL store bounds every operation with `operationTimeout`
/// (`PostgresResultStore.withTimeout`). The bound must hold even for a body that does not
/// end when cancelled — a wait for the listener, a statement on a connection whose server
/// went away — or a store call waits as long as that body: a sanitized run hung there with
/// the database stopped. No database is needed for these.
@Suite(.timeLimit(.minutes(2)))
struct PostgresOperationTimeoutTests {
    /// A body that only ends when the test lets it, whatever cancellation says.
    private final class StuckBody: Sendable {
        private let waiting = Mutex<CheckedContinuation<Void, Never>?>(nil)
        private let released = Mutex(false)

        func run() async -> Int {
            await withCheckedContinuation { continuation in
                let now = released.withLock { $0 }
                if now {
                    continuation.resume()
                } else {
                    waiting.withLock { $0 = continuation }
                }
            }
            return 1
        }

        func release() {
            released.withLock { $0 = true }
            waiting.withLock { $0.take() }?.resume()
        }
    }

    private static func isUnreachable(_ error: any Error) -> Bool {
        if case ResultStoreError.unreachable(_, let operation) = error { return operation == "testing" }
        return false
    }

    @Test func aBodyThatIgnoresCancellationStillTimesOut() async throws {
        let body = StuckBody()
        let started = ContinuousClock.now
        await #expect {
            try await PostgresResultStore.withTimeout(.milliseconds(200), operation: "testing") { await body.run() }
        } throws: { Self.isUnreachable($0) }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(200))
        // Far above 200 ms, far below forever (the suite's limit is 2 minutes).
        #expect(elapsed < TestTiming.boundedWait, "the timeout waited \(elapsed) for a body that never ended")
        body.release()
    }

    @Test func aBodyThatAnswersInTimeWins() async throws {
        let value = try await PostgresResultStore.withTimeout(.seconds(30), operation: "testing") { 42 }
        #expect(value == 42)
    }

    @Test func aBodysErrorComesThroughAsItIs() async throws {
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await PostgresResultStore.withTimeout(.seconds(30), operation: "testing") { () throws -> Int in
                throw Refused()
            }
        }
    }

    @Test func cancellingTheCallerEndsTheWaitAtOnce() async throws {
        let body = StuckBody()
        let caller = Task {
            try await PostgresResultStore.withTimeout(.seconds(60), operation: "testing") { await body.run() }
        }
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        body.release()
    }
}
