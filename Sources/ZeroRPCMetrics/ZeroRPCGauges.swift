// Levels rather than events (deferred jobs, connected endpoints), sampled on a timer so
// the call path pays nothing for them.
import CoreMetrics
import ZeroRPC

/// Samples a server's deferred jobs and clients' connected endpoints into gauges
/// (``ZeroRPCMetricName``), once per ``update()`` or every `interval` while ``run()`` runs.
///
/// ```swift
/// let gauges = ZeroRPCGauges(servers: [server], clients: [client])
/// group.addTask { try await gauges.run() }     // or a ServiceGroup service
/// ```
public struct ZeroRPCGauges: Sendable {
    private let servers: [(Server, running: Gauge, unclaimed: Gauge)]
    private let clients: [(Client, connected: Gauge)]
    private let interval: Duration

    /// Gauges for `servers` and `clients`, labelled `server` (its name) and `client` (its
    /// index in `clients`), sampled every `interval` by ``run()``.
    public init(
        servers: [Server] = [], clients: [Client] = [], interval: Duration = .seconds(10),
        factory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.servers = servers.map { server in
            let label = [("server", server.name)]
            return (
                server,
                Gauge(label: ZeroRPCMetricName.serverDeferredJobsRunning, dimensions: label, factory: factory),
                Gauge(label: ZeroRPCMetricName.serverDeferredResultsUnclaimed, dimensions: label, factory: factory)
            )
        }
        self.clients = clients.enumerated().map { index, client in
            (
                client,
                Gauge(
                    label: ZeroRPCMetricName.clientConnectedEndpoints, dimensions: [("client", "\(index)")],
                    factory: factory)
            )
        }
        self.interval = interval
    }

    /// Records the current values once.
    public func update() {
        for (server, running, unclaimed) in servers {
            let counts = server.deferredJobCounts
            running.record(counts.running)
            unclaimed.record(counts.unclaimed)
        }
        for (client, connected) in clients {
            connected.record(client.connectedEndpointCount)
        }
    }

    /// Records the values every `interval` until the task is cancelled.
    public func run() async throws {
        while true {
            update()
            try await Task.sleep(for: interval)
        }
    }
}
