import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// `IOLoop.lead`'s turn with a loop that has no sockets: commands and jobs are taken
/// from the queue together (`CommandQueue.takeWork`), so a job taken beside the command
/// that stops the loop must still run somewhere, and a job a command queues must run in
/// the same turn.
@Suite struct IOLoopTurnTests {
    /// A loop with no sockets: `stop` stops it, `queueJob` makes a command that queues a
    /// job (as a reply that resumes a continuation does), and a poll sleeps at most 10 ms.
    private final class BareLoop: IOLoop, @unchecked Sendable {
        // @unchecked: touched only by the thread leading the loop, under `turnLock`.
        enum Command: Sendable {
            case stop
            case run(@Sendable () -> Void)
        }

        let queue: CommandQueue<Command>
        let executor: IOThreadExecutor
        let leadership = LoopLeadership(budget: .seconds(10))
        let turnLock = TurnLock()
        var isRunning = true
        /// How many polls the loop made (read once it stopped).
        var polls = 0
        var threadName: String { "bare-loop" }

        init() throws {
            queue = try CommandQueue()
            executor = IOThreadExecutor(jobs: queue)
        }

        func handle(_ commands: [Command]) {
            for command in commands {
                switch command {
                case .stop: isRunning = false
                case .run(let body): body()
                }
            }
        }

        func fireTimers(now: ContinuousClock.Instant) {}
        func pollTimeout(now: ContinuousClock.Instant) -> Int { 10 }
        func pollSockets(timeoutMilliseconds timeout: Int) {
            polls += 1
            var descriptor = pollfd(fd: queue.wakeUp.fileDescriptor, events: Int16(POLLIN), revents: 0)
            _ = sleepUnlocked { poll(&descriptor, 1, Int32(timeout)) }
            if descriptor.revents != 0 { queue.wakeUp.drain() }
        }
        func serveReadySockets() {}
        func stop() {
            for command in queue.close(handingJobsTo: executor) {
                if case .run(let body) = command { body() }
            }
        }
        func noteTakeover() {}
    }

    /// Runs `loop`'s turns on a thread of its own until it stops; the flag says it did.
    /// The tests wait with `waitUntil`, never by blocking one of the few threads of
    /// Swift's cooperative pool, which the job under test may need.
    private static func start(_ loop: BareLoop) -> LockedValue<Bool> {
        let ended = LockedValue(false)
        let box = UncheckedBox(loop)
        IOThread.start(name: "bare-loop") {
            box.value.runTurns()
            ended.withLock { $0 = true }
        }
        return ended
    }

    private final class UncheckedBox<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    @Test func aJobTakenWithTheCommandThatStopsTheLoopStillRuns() async throws {
        let loop = try BareLoop()
        let ran = LockedValue(false)
        // Queued before the loop's first turn, so one `takeWork` takes both. A lost job
        // is a task that never runs, and the wait times out.
        Task(executorPreference: loop.executor) { ran.withLock { $0 = true } }
        loop.queue.enqueue(.stop)
        let ended = Self.start(loop)
        try await waitUntil { ended.withLock { $0 } }
        try await waitUntil { ran.withLock { $0 } }
    }

    @Test func aJobThatACommandQueuesRunsInTheSameTurnWithoutAPoll() async throws {
        let loop = try BareLoop()
        let ran = LockedValue(false)
        // Queued before the first turn: a command that queues a job, as a reply resuming a
        // waiting task does; the job queues the command that stops the loop.
        let executor = loop.executor
        let queue = loop.queue
        loop.queue.enqueue(
            .run {
                Task(executorPreference: executor) {
                    ran.withLock { $0 = true }
                    queue.enqueue(.stop)
                }
            })
        let ended = Self.start(loop)
        try await waitUntil { ended.withLock { $0 } }
        #expect(ran.withLock { $0 })
        // Commands, then the job they queued, then the stop: three rounds of one turn.
        #expect(loop.polls == 0)
    }
}
