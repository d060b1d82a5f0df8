import Logging

/// Settings of a ``Broker``.
public struct BrokerOptions: Sendable {
    /// The heartbeat period of the clients and servers behind the broker. A channel with
    /// no event for three periods is forgotten (its peers heartbeat while it lives), and
    /// the backend pings servers at this period to notice a dead host. Default 5 s.
    public var heartbeatInterval: Duration
    /// Open channels the broker tracks at most; a new call beyond it is answered with
    /// `ERR BrokerBusy`. Default 100,000.
    public var maximumChannels: Int
    /// The largest message accepted on either side (`ZMQ_MAXMSGSIZE`). Default 64 MiB.
    public var maximumMessageSize: Int
    /// Where the broker logs servers joining and leaving and dropped messages.
    public var logger: Logger
    /// CurveZMQ on the frontend, as on a `Server`: clients then need the broker's public
    /// key, and an allow-list admits only the listed client keys. The backend stays
    /// plain (servers attach inside a trusted network), and servers do not see the
    /// client's key (`ServerContext.peerPublicKey` is nil behind a broker). Default
    /// `.none`.
    public var frontendSecurity: ServerSecurity

    /// Broker settings; the defaults suit clients and servers with default options.
    public init(
        heartbeatInterval: Duration = .seconds(5), maximumChannels: Int = 100_000, maximumMessageSize: Int = 64 << 20,
        logger: Logger = Logger(label: "zerorpc.broker"), frontendSecurity: ServerSecurity = .none
    ) {
        self.frontendSecurity = frontendSecurity
        self.heartbeatInterval = heartbeatInterval
        self.maximumChannels = maximumChannels
        self.maximumMessageSize = maximumMessageSize
        self.logger = logger
    }
}
