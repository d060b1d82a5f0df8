/// Which server owns each open channel behind a ``Broker``, and which server takes the
/// next new call: the broker's decisions, kept apart from its sockets so they can be
/// tested on their own.
///
/// A channel is a client's request and every event that answers or follows it
/// (`response_to` = the request's `message_id`); all of them must reach the one server
/// that took the request, or long calls and streams break. Servers are known by their
/// routing identity on the backend ROUTER.
struct BrokerRoutes {
    struct ChannelKey: Hashable {
        var client: [UInt8]
        var messageID: [UInt8]
    }

    private struct Channel {
        var server: [UInt8]
        var lastSeen: ContinuousClock.Instant
    }

    /// Servers in announcement order, each with its open channel count.
    private(set) var servers: [(identity: [UInt8], open: Int)] = []
    private var channels: [ChannelKey: Channel] = [:]
    /// Where the round robin among equally loaded servers resumes.
    private var cursor = 0
    /// The server behind each deferred-token issuer id, learned from `DEFERRED` replies,
    /// so `_zpc_result` and friends reach the server that holds the job.
    private var issuers: [DeferredServerID: [UInt8]] = [:]

    var channelCount: Int { channels.count }

    /// Adds a server that announced itself (or answered); known ones stay where they are.
    mutating func addServer(_ identity: [UInt8]) {
        guard !servers.contains(where: { $0.identity == identity }) else { return }
        servers.append((identity, 0))
    }

    /// Forgets a server that is gone, with its channels; returns how many it had.
    @discardableResult
    mutating func removeServer(_ identity: [UInt8]) -> Int {
        servers.removeAll { $0.identity == identity }
        issuers = issuers.filter { $0.value != identity }
        let before = channels.count
        channels = channels.filter { $0.value.server != identity }
        if cursor >= servers.count { cursor = 0 }
        return before - channels.count
    }

    /// The servers to offer a new call to, best first: fewest open channels, and among
    /// equals round robin from the cursor, so idle servers take turns.
    func candidates() -> [[UInt8]] {
        guard !servers.isEmpty else { return [] }
        let rotated = (0..<servers.count).map { servers[(cursor + $0) % servers.count] }
        return rotated.enumerated().sorted { ($0.element.open, $0.offset) < ($1.element.open, $1.offset) }
            .map(\.element.identity)
    }

    /// Notes that `server` issues deferred tokens as `issuer`.
    mutating func learn(issuer: DeferredServerID, on server: [UInt8]) {
        guard servers.contains(where: { $0.identity == server }) else { return }
        issuers[issuer] = server
    }

    /// The server that issued tokens as `issuer`, if it is still attached.
    func server(issuing issuer: DeferredServerID) -> [UInt8]? {
        issuers[issuer]
    }

    /// Records that `server` took the request `key`; the next call starts after it.
    mutating func open(_ key: ChannelKey, on server: [UInt8], now: ContinuousClock.Instant) {
        guard let index = servers.firstIndex(where: { $0.identity == server }) else { return }
        if let previous = channels[key] { decrement(previous.server) }
        channels[key] = Channel(server: server, lastSeen: now)
        servers[index].open += 1
        cursor = (index + 1) % servers.count
    }

    /// The server of an open channel, marking it alive.
    mutating func server(for key: ChannelKey, now: ContinuousClock.Instant) -> [UInt8]? {
        guard var channel = channels[key] else { return nil }
        channel.lastSeen = now
        channels[key] = channel
        return channel.server
    }

    /// Ends a channel: its final reply went out.
    mutating func close(_ key: ChannelKey) {
        guard let channel = channels.removeValue(forKey: key) else { return }
        decrement(channel.server)
    }

    /// Drops channels silent since `cutoff`: their client or server vanished (both
    /// heartbeat every few seconds while a channel lives), or a one-way call that never
    /// answers. Returns how many went.
    mutating func expire(silentSince cutoff: ContinuousClock.Instant) -> Int {
        let stale = channels.filter { $0.value.lastSeen < cutoff }
        for key in stale.keys { close(key) }
        return stale.count
    }

    private mutating func decrement(_ server: [UInt8]) {
        guard let index = servers.firstIndex(where: { $0.identity == server }) else { return }
        servers[index].open = max(0, servers[index].open - 1)
    }
}
