// `zerorpc-bench --deferred-stores`: deferred round trips per second with each result
// store side by side (memory, SQLite, PostgreSQL).
import Foundation
import ZeroRPC
import ZeroRPCPostgres
import ZeroRPCSQLite

/// Sequential deferred `add` calls with budget 0 (`DEFERRED [token]`, then `_zpc_result`,
/// then the unawaited `_zpc_ack`: three store writes and a read per call) against a
/// server in this process, once per store, the stores interleaved in every round.
///
/// The PostgreSQL row needs a database: `postgresURL`, e.g. from `ZERORPC_POSTGRES_URL`
/// (`Tests/Postgres/pg-cluster.sh run zerorpc-bench --deferred-stores` starts a private
/// cluster for the run). Without one the row says so instead of a figure.
struct DeferredStoresBenchmark {
    static let scenario = "deferred add round trips, budget 0 (store write + long poll + ack)"

    let calls: Int
    let postgresURL: String?

    /// One round: each store's row added to `collector`.
    func measure(into collector: inout RoundCollector) async throws {
        let memory = MemoryResultStore()
        let memoryFigures = try await run(memory)
        collector.add(
            scenario: Self.scenario, implementation: "memory store", throughput: memoryFigures.throughput,
            p50: memoryFigures.p50, p99: memoryFigures.p99)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zerorpc-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlite = try await SQLiteResultStore(path: directory.appendingPathComponent("results.sqlite").path)
        let sqliteFigure = try await run(sqlite)
        await sqlite.close()
        collector.add(
            scenario: Self.scenario, implementation: "SQLite store", throughput: sqliteFigure.throughput,
            p50: sqliteFigure.p50, p99: sqliteFigure.p99)

        guard let postgresURL else {
            collector.addMissing(
                scenario: Self.scenario, implementation: "PostgreSQL store",
                reason: "no database: set ZERORPC_POSTGRES_URL or run under Tests/Postgres/pg-cluster.sh run")
            return
        }
        let postgres = try await PostgresResultStore(
            url: postgresURL, configuration: .init(schema: "zerorpc_bench"))
        let postgresFigure = try await run(postgres)
        await postgres.close()
        collector.add(
            scenario: Self.scenario, implementation: "PostgreSQL store", throughput: postgresFigure.throughput,
            p50: postgresFigure.p50, p99: postgresFigure.p99)
    }

    /// `calls` deferred round trips through a server on `store`: calls per second and
    /// latency percentiles (µs).
    private func run(_ store: any ResultStore) async throws -> (throughput: Double, p50: Double, p99: Double) {
        let server = Server(name: "deferred-stores-bench", options: ServerOptions(deferred: .init(store: store)))
        try server.register(BenchService())
        do {
            let endpoint = try server.bind("tcp://127.0.0.1:*")
            let figures = try await SwiftScenarios(endpoint: endpoint).deferredAdd(calls: calls)
            await server.close()
            return figures
        } catch {
            await server.close()
            throw error
        }
    }

    /// The whole `--deferred-stores` run: `rounds` rounds, medians, printed as the other
    /// scenarios are.
    static func run(rounds: Int, calls: Int) async throws -> [BenchmarkResult] {
        let url = ProcessInfo.processInfo.environment["ZERORPC_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let benchmark = DeferredStoresBenchmark(calls: calls, postgresURL: url)
        var collector = RoundCollector()
        for round in 1...max(1, rounds) {
            benchLog("deferred stores, round \(round)/\(rounds)")
            try await benchmark.measure(into: &collector)
        }
        return collector.results
    }
}
