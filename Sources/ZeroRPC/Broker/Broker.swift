import CZeroMQ
import Foundation

/// A ROUTER↔ROUTER broker: clients connect to its frontend as to one server, servers
/// attach to its backend (``Server/connect(toBroker:)``), and each call goes to one
/// server, which then gets every later event of that call.
///
/// Plain `zmq_proxy` with a DEALER backend round-robins every *message*, so the
/// heartbeats, stream credit and close of one call land on different servers and long
/// calls and streams break. This broker reads each event's `message_id` /
/// `response_to` instead: a new request goes to the server with the fewest open calls
/// (round robin among equals); every event that follows it goes to the same server;
/// replies go back by the routing frames the server returns.
///
/// At most once: a request that reached a server is never re-sent elsewhere. When a
/// server dies, its calls fail on their clients with `RPCError.lostRemote` (the
/// heartbeats stop) and new calls go to the others.
///
/// ```swift
/// let broker = try Broker(frontend: "tcp://*:4242", backend: "tcp://*:4243")
/// try await broker.run()   // or `zerorpc broker --frontend … --backend …`
/// ```
public final class Broker: Sendable {
    /// The frontend endpoint actually bound (the port chosen for `tcp://…:0`).
    public let frontendEndpoint: String
    /// The backend endpoint actually bound.
    public let backendEndpoint: String

    private let wakeUp: WakeUpSignal
    private let state = LockedValue(SharedState())

    struct SharedState {
        var stopRequested = false
        var isStopped = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var serverCount = 0
        var channelCount = 0
    }

    /// Binds both sides and starts routing on a thread of its own.
    /// - Throws: `RPCError.invalidEndpoint` when an endpoint cannot be bound, a
    ///   `CurveKeyError` for a malformed allowed client key.
    public init(frontend: String, backend: String, options: BrokerOptions = .init()) throws {
        try options.frontendSecurity.validate()
        let wakeUp = try WakeUpSignal()
        self.wakeUp = wakeUp
        let bound = BlockingReply<[String]>()
        let state = self.state
        let thread = Thread {
            let loop: BrokerLoop
            do throws(RPCError) {
                loop = try BrokerLoop(
                    frontend: frontend, backend: backend, options: options, wakeUp: wakeUp, state: state)
            } catch {
                bound.fail(error)
                return
            }
            bound.succeed([loop.frontendEndpoint, loop.backendEndpoint])
            loop.run()
        }
        thread.name = "zerorpc broker"
        thread.start()
        let endpoints: [String]
        do {
            endpoints = try bound.wait()
        } catch {
            state.withLock { $0.isStopped = true }
            wakeUp.release()
            throw error
        }
        frontendEndpoint = endpoints[0]
        backendEndpoint = endpoints[1]
    }

    /// Servers attached now (announced and not found gone).
    public var serverCount: Int { state.withLock { $0.serverCount } }

    /// Calls open through the broker now.
    public var openChannelCount: Int { state.withLock { $0.channelCount } }

    /// Routes until ``close()``.
    public func run() async {
        await withCheckedContinuation { continuation in
            let isStopped = state.withLock { state in
                if !state.isStopped { state.waiters.append(continuation) }
                return state.isStopped
            }
            if isStopped { continuation.resume() }
        }
    }

    /// Stops routing and closes both sockets; open calls then fail on their clients
    /// with `lostRemote`. Returns once the sockets are closed.
    public func close() async {
        requestStop()
        await run()
    }

    deinit { requestStop() }

    /// Signals under the lock, and only while the loop runs: the loop marks itself
    /// stopped under the same lock before it releases the descriptor.
    private func requestStop() {
        state.withLock { state in
            guard !state.stopRequested, !state.isStopped else { return }
            state.stopRequested = true
            wakeUp.signal()
        }
    }
}
