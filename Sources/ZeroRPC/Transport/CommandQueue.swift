/// How other threads hand work to an I/O thread: a lock-guarded list plus a wake-up
/// descriptor that is written only while the I/O thread is (about to be) asleep in
/// `zmq_poll`.
final class CommandQueue<Command: Sendable>: Sendable {
    private struct State {
        var commands: [Command] = []
        var ioThreadIsAsleep = false
        var isClosed = false
    }

    private let state = LockedValue(State())
    let wakeUp: WakeUpSignal

    init() throws(TransportError) {
        wakeUp = try WakeUpSignal()
    }

    /// Queues `command`; false when the I/O thread has stopped and will never run it.
    @discardableResult
    func enqueue(_ command: Command) -> Bool {
        state.withLock { state in
            guard !state.isClosed else { return false }
            state.commands.append(command)
            if state.ioThreadIsAsleep {
                state.ioThreadIsAsleep = false
                wakeUp.signal()
            }
            return true
        }
    }

    /// I/O thread: takes every queued command, oldest first.
    func takeAll() -> [Command] {
        state.withLock { state in
            guard !state.commands.isEmpty else { return [] }
            let commands = state.commands
            state.commands.removeAll(keepingCapacity: true)
            return commands
        }
    }

    /// I/O thread, just before `zmq_poll`: true (and marked asleep) when nothing is
    /// queued, so the poll may wait; false when commands arrived and it must not.
    func prepareToSleep() -> Bool {
        state.withLock { state in
            guard state.commands.isEmpty else { return false }
            state.ioThreadIsAsleep = true
            return true
        }
    }

    /// I/O thread, right after `zmq_poll` returned.
    func markAwake() {
        state.withLock { $0.ioThreadIsAsleep = false }
    }

    /// I/O thread, when it stops: refuses further commands and returns those still queued
    /// so their continuations can be failed. Releases the wake-up descriptor.
    func close() -> [Command] {
        let remaining = state.withLock { state in
            state.isClosed = true
            let commands = state.commands
            state.commands = []
            return commands
        }
        wakeUp.release()
        return remaining
    }
}
