import Foundation
import Logging
import Synchronization

/// A zerorpc client: many concurrent calls over DEALER sockets served by one I/O thread.
///
/// `Client(connect:)` opens one DEALER per endpoint and sends each call to the endpoint
/// with the fewest open calls; every later event of a call uses the same socket.
public final class Client: Sendable {
    let queue: CommandQueue<ClientCommand>
    /// The I/O loop, for callers that send their request themselves.
    let loop: ClientLoop.DirectAccess
    /// The I/O thread as a `TaskExecutor`, as the server's (`Server.executor`). Not API: a
    /// caller's task on it once saved thread switches, but callers now wait for their own
    /// replies (`callerReplyWait`) and the default path measured as fast or faster
    /// (docs/PERFORMANCE.md), so the opt-in mode was removed (issue 19). Tests still run
    /// tasks on it, to keep the takeover of a blocked client thread covered.
    let executor: IOThreadExecutor
    let nextCallID = Atomic<UInt64>(1)
    /// What the servers announced in header key `ext`, learnt from their replies.
    let peers: PeerExtensions
    /// Which endpoints are connected, kept by the I/O thread.
    let connectionStatus = ConnectionStatus()
    let logger: Logger
    let interceptors: [any ClientInterceptor]
    /// ``ClientOptions/defaultCallOptions``; nil when they are the built-in defaults, so
    /// the common case merges nothing.
    let defaultCallOptions: CallOptions?
    /// ``ClientOptions/callerReplyWait``; nil when callers never wait on their own thread.
    let callerReplyWait: Duration?
    /// Calls whose caller received the reply itself (`ClientLoop.lead`), for tests.
    let callsLedByCallers = Atomic<Int>(0)

    /// Connects one DEALER to each endpoint (`tcp://host:port`, `ipc://path`, `inproc://name`).
    public convenience init(connect endpoints: [String], options: ClientOptions = .init()) throws {
        guard !endpoints.isEmpty else { throw RPCError.invalidEndpoint("", reason: "no endpoint given") }
        try self.init(endpoints: endpoints, bind: false, options: options)
    }

    /// Binds one DEALER to `endpoint`; servers connect to it.
    public convenience init(bind endpoint: String, options: ClientOptions = .init()) throws {
        try self.init(endpoints: [endpoint], bind: true, options: options)
    }

    private init(endpoints: [String], bind: Bool, options: ClientOptions) throws {
        var options = options
        options.security = try options.security.resolved()
        options.malformedInputLog = MalformedInputLog(logger: options.logger)
        peers = PeerExtensions(connectionCount: endpoints.count)
        logger = options.logger
        defaultCallOptions = options.defaultCallOptions == .defaults ? nil : options.defaultCallOptions
        callerReplyWait =
            options.callerReplyWait > .zero && ProcessInfo.processInfo.activeProcessorCount > 1
            ? options.callerReplyWait : nil
        interceptors = ClientCallLog.wrapping(options.interceptors, logger: options.logger)
        do {
            queue = try CommandQueue()
        } catch {
            throw RPCError.invalidEndpoint(endpoints.joined(separator: ", "), reason: error.description)
        }
        executor = IOThreadExecutor(jobs: queue)
        loop = try ClientLoop.start(
            endpoints: endpoints, bind: bind, queue: queue, executor: executor, options: options, peers: peers,
            status: connectionStatus)
    }

    deinit {
        queue.enqueue(.close(nil))
    }

    /// A call's options over this client's ``ClientOptions/defaultCallOptions``.
    @inline(__always)
    func withDefaults(_ options: CallOptions) -> CallOptions {
        guard let defaultCallOptions else { return options }
        return options.merged(over: defaultCallOptions)
    }

    /// Fails pending calls with `RPCError.closed`, closes the sockets and stops the I/O
    /// thread; returns when it has. Calling it again is harmless.
    public func close() async {
        await withCheckedContinuation { continuation in
            if !queue.enqueue(.close(continuation)) {
                continuation.resume()
            }
        }
    }
}
