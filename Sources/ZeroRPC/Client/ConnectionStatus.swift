/// Which of a client's endpoints are connected, as its I/O thread last saw them; read by
/// any thread (`Client.isConnected`), written only by the I/O thread.
final class ConnectionStatus: Sendable {
    private struct State {
        var connected: [Bool] = []
        var lastWaiterID: UInt64 = 0
        var observers: [(condition: @Sendable ([Bool]) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = LockedValue(State())

    /// Whether every endpoint is connected (false before the sockets exist).
    var isConnected: Bool { state.withLock { !$0.connected.isEmpty && !$0.connected.contains(false) } }

    /// How many endpoints are connected.
    var connectedCount: Int { state.withLock { $0.connected.count { $0 } } }

    /// I/O thread: publishes the endpoints' states.
    func publish(_ connected: [Bool]) {
        let ready = state.withLock { state in
            state.connected = connected
            let ready = state.observers.filter { $0.condition(connected) }
            state.observers.removeAll { $0.condition(connected) }
            return ready.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Returns once the published states satisfy `condition` (for tests that await a
    /// connection going down).
    func wait(until condition: @escaping @Sendable ([Bool]) -> Bool) async {
        await withCheckedContinuation { continuation in
            let isMet = state.withLock { state in
                if condition(state.connected) { return true }
                state.observers.append((condition, continuation))
                return false
            }
            if isMet { continuation.resume() }
        }
    }

    /// A fresh id for a `waitConnected` call.
    func nextWaiterID() -> UInt64 {
        state.withLock { state in
            state.lastWaiterID &+= 1
            return state.lastWaiterID
        }
    }
}

/// Work a task hands to the I/O thread about connection state.
enum ConnectionCommand: Sendable {
    /// Resume `continuation` once every endpoint is connected, or fail it with
    /// `RPCError.timeout` at `deadline`.
    case wait(id: UInt64, deadline: ContinuousClock.Instant, continuation: CheckedContinuation<Void, any Error>)
    /// The waiting task was cancelled; fail the wait with `CancellationError`.
    case cancel(id: UInt64)
}
