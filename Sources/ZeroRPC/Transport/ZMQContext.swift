import CZeroMQ

/// A libzmq context shared by sockets that each hold a lease on it, terminated when the
/// last lease goes, which also ends libzmq's own threads.
///
/// ``shared`` is the one every `Client` and `Server` uses, so `inproc://` endpoints of
/// one process reach each other. A socket calls ``acquire()`` when it is created
/// (making a context if none is live) and ``release(_:)`` when it closes. The last
/// release terminates the context on the closing thread; `zmq_ctx_term` returns as soon
/// as messages that closed sockets left lingering are delivered or their linger time
/// runs out. A socket created meanwhile gets a fresh context. Contexts are thread-safe
/// by contract (sockets are not); the address is kept as an integer so no wrapper needs
/// to be `Sendable`.
final class ZMQContext: Sendable {
    private struct State {
        var address: UInt = 0
        var leases = 0
        var terminations = 0
    }

    /// The context of every socket this library opens.
    static let shared = ZMQContext()

    private let state = LockedValue(State())

    /// The live context, with one more lease counted against it.
    func acquire() throws(TransportError) -> UnsafeMutableRawPointer {
        let address = state.withLock { state -> UInt in
            if state.address == 0 {
                state.address = UInt(bitPattern: zmq_ctx_new())
                if state.address == 0 { return 0 }
            }
            state.leases += 1
            return state.address
        }
        guard let handle = UnsafeMutableRawPointer(bitPattern: address) else {
            throw .lastZMQError("zmq_ctx_new")
        }
        return handle
    }

    /// Gives back a lease taken by ``acquire()``; the last one terminates the context.
    func release(_ handle: UnsafeMutableRawPointer) {
        let address = UInt(bitPattern: handle)
        let isLast = state.withLock { state -> Bool in
            guard state.address == address, state.leases > 0 else { return false }
            state.leases -= 1
            guard state.leases == 0 else { return false }
            state.address = 0
            state.terminations += 1
            return true
        }
        if isLast {
            while zmq_ctx_term(handle) == -1 && zmq_errno() == EINTR {}
        }
    }

    /// Leases held on the live context.
    var leaseCount: Int { state.withLock { $0.leases } }
    /// How many contexts this instance has terminated.
    var terminationCount: Int { state.withLock { $0.terminations } }
}
