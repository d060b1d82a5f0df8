import CZeroMQ
import Testing

@testable import ZeroRPC

@Suite struct CommandQueueTests {
    private func isReadable(_ signal: WakeUpSignal) -> Bool {
        var item = pollfd(fd: signal.fileDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&item, 1, 0) == 1
    }

    @Test func wakesTheThreadOnlyWhenItSleeps() throws {
        let queue = try CommandQueue<Int>()
        queue.enqueue(1)
        #expect(!isReadable(queue.wakeUp))  // awake: no signal needed
        let first = queue.takeWork()
        #expect(first.commands == [1])
        #expect(!first.mayPoll)  // work was waiting, so it must not sleep
        #expect(!isReadable(queue.wakeUp))  // and nothing marked it asleep
        let second = queue.takeWork()
        #expect(second.commands.isEmpty && second.jobs.isEmpty)
        #expect(second.mayPoll)  // nothing queued: marked asleep in the same lock
        queue.enqueue(2)
        #expect(isReadable(queue.wakeUp))
        queue.wakeUp.drain()
        #expect(!isReadable(queue.wakeUp))
        queue.markAwake()
        #expect(queue.takeWork().commands == [2])
        queue.enqueue(3)
        #expect(!isReadable(queue.wakeUp))  // awake again: no signal
        _ = queue.close()
    }

    @Test func closeHandsBackQueuedCommandsAndRefusesNewOnes() throws {
        let queue = try CommandQueue<String>()
        queue.enqueue("left over")
        #expect(queue.close().commands == ["left over"])
        #expect(!queue.enqueue("too late"))
    }

    @Test func startedQueueIsAttachedAndHandedToStartFirst() throws {
        let executor = IOThreadExecutor()
        let seen = LockedValue<CommandQueue<String>?>(nil)
        let queue = try CommandQueue<String>.started(attachedTo: executor) { queue throws(RPCError) in
            seen.withLock { $0 = queue }
        }
        #expect(seen.withLock { $0 } === queue)
        #expect(queue.enqueue("works"))
        #expect(queue.close(handingJobsTo: executor) == ["works"])
        // A start that fails fails the whole start-up.
        #expect(throws: RPCError.closed) {
            _ = try CommandQueue<String>.started(attachedTo: executor) { _ throws(RPCError) in throw .closed }
        }
    }

    @Test func closeHandingJobsOffReturnsTheQueuedCommandsAndRefusesNewOnes() throws {
        let queue = try CommandQueue<String>()
        queue.enqueue("left over")
        #expect(queue.close(handingJobsTo: IOThreadExecutor()) == ["left over"])
        #expect(!queue.enqueue("too late"))
    }

    @Test func nextWakeUpRoundsUpToWholeMilliseconds() {
        let now = ContinuousClock.now
        var next = NextWakeUp()
        #expect(next.milliseconds(from: now) == -1)
        next.consider(now.advanced(by: .microseconds(1500)))
        next.consider(now.advanced(by: .seconds(3)))
        #expect(next.milliseconds(from: now) == 2)
        next.consider(now.advanced(by: .milliseconds(-5)))
        #expect(next.milliseconds(from: now) == 0)
    }

    /// Remaining times and the milliseconds a poll should wait for them.
    private static let ceilings: [(remaining: Duration, milliseconds: Int)] = {
        let cap = Int64(Int32.max)
        var cases: [(Duration, Int)] = []
        cases.append((.nanoseconds(1), 1))
        cases.append((.microseconds(999), 1))
        cases.append((.milliseconds(1), 1))
        cases.append((.milliseconds(1) + .nanoseconds(1), 2))
        cases.append((.microseconds(1500), 2))
        cases.append((.milliseconds(17), 17))
        cases.append((.seconds(5), 5000))
        cases.append((.seconds(5) + .microseconds(1), 5001))
        cases.append((.seconds(86_400), 86_400_000))
        cases.append((.milliseconds(cap - 1), Int(cap - 1)))
        cases.append((.milliseconds(cap), Int(cap)))
        cases.append((.seconds(40 * 86_400), Int(cap)))
        cases.append((.zero, 0))
        cases.append((.nanoseconds(-1), 0))
        return cases
    }()

    /// The 64-bit path of `milliseconds(from:)` against the exact answer, ceil(d / 1 ms),
    /// from a nanosecond to past the `Int32.max` cap.
    @Test func nextWakeUpMillisecondsMatchTheExactCeiling() {
        let now = ContinuousClock.now
        for (remaining, expected) in Self.ceilings {
            var next = NextWakeUp()
            next.consider(now.advanced(by: remaining))
            #expect(next.milliseconds(from: now) == expected, "\(remaining)")
            #expect(next.isDue(now) == (remaining <= .zero), "\(remaining)")
        }
    }
}
