import Foundation
import PostgresNIO
import Testing
import ZeroRPC
import ZeroRPCPostgres
import ZeroRPCTestSupport

/// A `PostgresResultStore` on the test cluster, in a schema of its own, so tests running
/// at once never see each other's entries, keys or sweeps; `close()` drops the schema.
///
/// The cluster's URL comes from `ZERORPC_POSTGRES_URL`, which `make test` sets (it runs
/// the tests through `Tests/Postgres/pg-cluster.sh run`). Without it these tests fail:
/// a missing database is a broken set-up, not a reason to skip.
struct PostgresTestDatabase {
    let url: String
    let schema: String
    let store: PostgresResultStore

    /// The test cluster's URL, or an error saying how to get one.
    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["ZERORPC_POSTGRES_URL"], !url.isEmpty else {
            throw MissingDatabase()
        }
        return url
    }

    /// The operation timeout of the conformance suites' stores: the production 5 s is
    /// shorter than the moments a full parallel run on 2 cores keeps the store's tasks
    /// from running (their schema preparation timed out there); tests of the timeout
    /// itself set their own.
    static let patience: Duration = .seconds(30)

    /// A schema name no other test uses.
    static func freshSchema() -> String {
        "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24)
    }

    /// A store on a fresh schema; `configuration.schema` is replaced.
    init(configuration: PostgresResultStore.Configuration = .init(), schema: String = freshSchema()) async throws {
        url = try Self.url()
        self.schema = schema
        var configuration = configuration
        configuration.schema = schema
        store = try await Self.open(url: url, configuration: configuration)
    }

    /// Another store instance on `url` with `configuration` (a second server, say). A
    /// configuration that keeps the production operation timeout gets `patience` instead;
    /// one that sets a timeout of its own (a test of the timeout) keeps it.
    static func open(
        url: String, configuration: PostgresResultStore.Configuration
    ) async throws
        -> PostgresResultStore
    {
        var configuration = configuration
        if configuration.operationTimeout == PostgresResultStore.Configuration().operationTimeout {
            configuration.operationTimeout = patience
        }
        var client = try PostgresURL(url).clientConfiguration
        client.tls = .disable
        client.options.maximumConnections = 4
        // A store with a short timeout of its own (the outage tests') may miss it while it
        // prepares its schema on a loaded machine; opening is not what those tests test, so
        // it is tried again until `patience` is spent. Failures after opening still count.
        let started = ContinuousClock.now
        while true {
            do {
                return try await PostgresResultStore(clientConfiguration: client, configuration: configuration)
            } catch ResultStoreError.unreachable(_, _) where ContinuousClock.now - started < patience {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    func close() async {
        await store.close()
        try? await Self.execute(url: url, "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE")
    }

    /// Runs `sql` through a connection of its own, as another program would.
    static func execute(url: String, _ sql: String) async throws {
        var configuration = try PostgresURL(url).clientConfiguration
        configuration.tls = .disable
        let client = PostgresClient(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.query(PostgresQuery(unsafeSQL: sql))
        }
    }

    struct MissingDatabase: Error, CustomStringConvertible {
        var description: String {
            "ZERORPC_POSTGRES_URL is not set: run the tests with `make test`, or through "
                + "`Tests/Postgres/pg-cluster.sh run swift test …`, which starts a PostgreSQL cluster for them"
        }
    }
}

/// A PostgreSQL cluster of a test's own (`Tests/Postgres/pg-cluster.sh create`), for tests
/// that stop and start the server: the shared cluster stays up for the tests beside them.
struct PrivatePostgresCluster {
    let directory: String
    let url: String

    /// Runs `body` with a new cluster and destroys the cluster afterwards, whether
    /// `body` returned or threw. Under `pg-cluster.sh run` the cluster lives in its
    /// scratch directory, so it goes with the run even if this process is killed.
    static func with(_ body: (PrivatePostgresCluster) async throws -> Void) async throws {
        let cluster = try await create()
        do {
            try await body(cluster)
        } catch {
            await cluster.destroy()
            throw error
        }
        await cluster.destroy()
    }

    static func create() async throws -> PrivatePostgresCluster {
        let scratch = ProcessInfo.processInfo.environment["ZERORPC_POSTGRES_SCRATCH"].flatMap {
            $0.isEmpty ? nil : URL(fileURLWithPath: $0)
        }
        let directory = (scratch ?? FileManager.default.temporaryDirectory)
            .appendingPathComponent("zerorpc-pg-\(UUID().uuidString)").path
        try await run("create", directory)
        let port = try String(contentsOfFile: directory + "/port", encoding: .utf8)
        return PrivatePostgresCluster(
            directory: directory,
            url: "postgres://postgres@127.0.0.1:\(port.trimmingCharacters(in: .whitespacesAndNewlines))/postgres")
    }

    func stop() async throws { try await Self.run("stop", directory) }
    func start() async throws { try await Self.run("start", directory) }
    func destroy() async { try? await Self.run("destroy", directory) }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs the script and waits for it on a thread of its own.
    private static func run(_ arguments: String...) async throws {
        let script = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Postgres/pg-cluster.sh")
        let child = try SpawnedChild(executable: script.path, arguments: arguments, stdout: .null)
        guard await child.exitStatus() == 0 else {
            throw Failure(description: "pg-cluster.sh \(arguments.joined(separator: " ")) failed")
        }
    }
}
