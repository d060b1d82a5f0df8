import Logging

/// The deferred-result settings of a server, nested so the four travel together
/// (docs/DEFERRED.md); the flat spellings they replaced stay as deprecated forwarders.
extension ServerOptions {
    /// Where a server's deferred results wait, for how long, under which id, and who may
    /// claim them.
    ///
    /// ```swift
    /// let store = try await SQLiteResultStore(path: "/var/lib/calc/results.sqlite")
    /// let options = ServerOptions(deferred: .init(store: store, serverID: DeferredServerID("calc-1")))
    /// ```
    public struct Deferred: Sendable {
        /// Where deferred results wait for their clients. Nil (the default) gives each
        /// server a `MemoryResultStore` of its own; pass a `SQLiteResultStore`
        /// (`ZeroRPCSQLite`) to keep results across restarts and let the server processes
        /// of one host answer each other's tokens, or a `PostgresResultStore`
        /// (`ZeroRPCPostgres`) for servers on many hosts.
        public var store: (any ResultStore)?
        /// The id this server puts in the deferred tokens it issues. Nil (the default)
        /// picks a random id per server; give servers that share a store distinct, stable
        /// ids.
        public var serverID: DeferredServerID?
        /// How long a finished deferred result waits for its client before it expires.
        /// Default 10 minutes.
        public var timeToLive: Duration
        /// Who may use the deferred tokens this server issues:
        /// ``DeferredTokenBinding/bearer`` (the default: whoever holds one) or
        /// ``DeferredTokenBinding/clientKey`` (only the caller's CurveZMQ key; needs
        /// ``ServerOptions/security`` `.curve`).
        public var tokenBinding: DeferredTokenBinding

        /// Deferred settings; the defaults keep results in memory for 10 minutes.
        public init(
            store: (any ResultStore)? = nil, serverID: DeferredServerID? = nil, timeToLive: Duration = .seconds(600),
            tokenBinding: DeferredTokenBinding = .bearer
        ) {
            self.store = store
            self.serverID = serverID
            self.timeToLive = timeToLive
            self.tokenBinding = tokenBinding
        }
    }

    /// Server settings with the deferred ones spelt flat, as before ``Deferred`` held them.
    @available(*, deprecated, message: "pass deferred: ServerOptions.Deferred(store:serverID:timeToLive:tokenBinding:)")
    public init(
        heartbeatInterval: Duration = .seconds(5), maximumConcurrentCalls: Int = 1024,
        maximumQueuedCalls: Int = 10_000, maximumMessageSize: Int = 64 << 20,
        exposeErrorDetails: Bool = ServerOptions.isDebugBuild, handlerExecution: HandlerExecution = .inline,
        ioThreadTaskBudget: Duration = .milliseconds(10),
        logger: Logger = Logger(label: "zerorpc.server"), resultStore: (any ResultStore)?,
        deferredServerID: DeferredServerID? = nil, deferredTimeToLive: Duration = .seconds(600),
        deferredTokenBinding: DeferredTokenBinding = .bearer, interceptors: [any ServerInterceptor] = [],
        security: ServerSecurity = .none
    ) {
        self.init(
            heartbeatInterval: heartbeatInterval, maximumConcurrentCalls: maximumConcurrentCalls,
            maximumQueuedCalls: maximumQueuedCalls, maximumMessageSize: maximumMessageSize,
            exposeErrorDetails: exposeErrorDetails, handlerExecution: handlerExecution,
            ioThreadTaskBudget: ioThreadTaskBudget, logger: logger,
            deferred: Deferred(
                store: resultStore, serverID: deferredServerID, timeToLive: deferredTimeToLive,
                tokenBinding: deferredTokenBinding),
            interceptors: interceptors, security: security)
    }

    /// The flat spelling of ``Deferred/store``.
    @available(*, deprecated, renamed: "deferred.store")
    public var resultStore: (any ResultStore)? {
        get { deferred.store }
        set { deferred.store = newValue }
    }

    /// The flat spelling of ``Deferred/serverID``.
    @available(*, deprecated, renamed: "deferred.serverID")
    public var deferredServerID: DeferredServerID? {
        get { deferred.serverID }
        set { deferred.serverID = newValue }
    }

    /// The flat spelling of ``Deferred/timeToLive``.
    @available(*, deprecated, renamed: "deferred.timeToLive")
    public var deferredTimeToLive: Duration {
        get { deferred.timeToLive }
        set { deferred.timeToLive = newValue }
    }

    /// The flat spelling of ``Deferred/tokenBinding``.
    @available(*, deprecated, renamed: "deferred.tokenBinding")
    public var deferredTokenBinding: DeferredTokenBinding {
        get { deferred.tokenBinding }
        set { deferred.tokenBinding = newValue }
    }
}
