import Foundation

/// One `zerorpc-bench run`: the scenarios of issue 8, ours and each baseline back to
/// back in every round, then the measurements that run once (allocations, memory).
///
/// 1. unary add, sequential — C zerorpc, raw libzmq, Python zerorpc, grpc-swift-2
/// 2. unary add, 64 and 512 in flight — raw libzmq, Python zerorpc, grpc-swift-2 (64)
/// 3. bytes echo, 16 B to 1 MiB — raw libzmq
/// 4. struct-heavy echo_records, 100 records — Python zerorpc, grpc-swift-2
/// 5. server stream of 1,000,000 ints — ours only, with peak RSS of both sides
/// 6. 16 clients against one server
/// 7. deferred call, budget 0, manual result() — ours only
///
/// Once per run: allocations per sequential call (client and server, with the malloc
/// counter preloaded) and peak RSS with 10,000 calls in flight (not in `--smoke`).
struct BenchmarkRun {
    struct Settings {
        var rounds: Int
        var calls: Int
        var smoke: Bool
        var python: Bool
        var grpc: Bool
        /// Only scenario 1 against the C baselines, ours in both modes: the headline
        /// ratio, over many short interleaved rounds.
        var sequentialOnly = false
    }

    static let sequential = "unary add, sequential"
    static let inFlight64 = "unary add, 64 in flight"
    static let structHeavy = "struct-heavy echo, 100 records"

    let settings: Settings
    let baselines: Baselines
    private let us = Report.ourName
    private let executable = CommandLine.arguments[0]
    private var collector = RoundCollector()

    init(root: URL, settings: Settings) throws {
        self.settings = settings
        baselines = Baselines(root: root, calls: settings.calls)
        try baselines.checkInstalled()
    }

    mutating func measure() async throws -> [BenchmarkResult] {
        let server = try ChildProcess(executable, ["serve", "tcp://127.0.0.1:*"])
        defer { server.stop() }
        let ours = SwiftScenarios(endpoint: try server.waitForLine(startingWith: "READY "))
        // The same calls made from a task on the client's I/O thread (`Client.executor`):
        // the opt-in low-latency mode. (Handlers start on the server's I/O thread by
        // default, so its server is a default one too.)
        let ioServer = try ChildProcess(executable, ["serve", "tcp://127.0.0.1:*"])
        defer { ioServer.stop() }
        let oursOnIOThreads = SwiftScenarios(
            endpoint: try ioServer.waitForLine(startingWith: "READY "), onIOThread: true)
        if settings.sequentialOnly {
            try await sequentialRounds(ours, oursOnIOThreads)
            return collector.results
        }
        let grpc = try startGRPCServer()
        defer { grpc?.server.stop() }

        for round in 1...settings.rounds {
            benchLog("round \(round)/\(settings.rounds)")
            let calls = settings.calls
            let python =
                settings.python
                ? try baselines.pythonZeroRPC(calls: min(calls, 3_000), records: max(10, min(calls / 20, 300))) : nil
            let grpcFigures = try grpc.map {
                try baselines.grpc(
                    $0.executable, address: $0.address, calls: min(calls, 5_000), records: max(10, calls / 10))
            }
            try await unaryAdd(ours, python: python, grpc: grpcFigures)
            try await unaryAddOnIOThreads(oursOnIOThreads)
            try await payloads(ours)
            try await structHeavy(ours, python: python, grpc: grpcFigures)
            collector.add(
                scenario: "16 clients, sequential each", implementation: us,
                throughput: try await ours.manyClients(clients: 16, callsPerClient: max(1, calls / 8)))
            // Events (issue 18): PUSH/PULL and PUB/SUB beside raw C PUSH/PULL.
            try await EventsBenchmark(
                executable: executable, baselines: baselines, messages: settings.smoke ? 20_000 : 500_000
            ).runRound(into: &collector)
            // Deferred round trips per store (issue 15); PostgreSQL when make bench started
            // its private cluster (ZERORPC_POSTGRES_URL), else a "missing" row.
            try await DeferredStoresBenchmark(
                calls: max(50, calls / 20), postgresURL: ProcessInfo.processInfo.environment["ZERORPC_POSTGRES_URL"]
            ).measure(into: &collector)
        }
        try allocationsPerCall()
        if !settings.smoke { try manyInFlight(10_000) }
        try await streamScenario(ours)
        try await deferredScenario(ours)

        if let peak = peakResidentMemory(pid: server.process.processIdentifier) {
            collector.note(scenario: Self.sequential, implementation: us, "server peak RSS MiB (whole run)", peak)
        }
        return collector.results
    }

    // MARK: - Scenarios 1 and 2

    /// `--sequential-only`: each round runs ours (defaults, then the low-latency mode)
    /// and the two C baselines back to back; the notes give the median per-round ratios.
    private mutating func sequentialRounds(_ ours: SwiftScenarios, _ oursOnIOThreads: SwiftScenarios) async throws {
        for round in 1...settings.rounds {
            benchLog("round \(round)/\(settings.rounds)")
            let swift = try await ours.sequentialAdd(calls: settings.calls)
            collector.add(
                scenario: Self.sequential, implementation: us, throughput: swift.throughput, p50: swift.p50,
                p99: swift.p99)
            let io = try await oursOnIOThreads.sequentialAdd(calls: settings.calls)
            collector.add(
                scenario: Self.sequential, implementation: Self.ioThreadsName, throughput: io.throughput, p50: io.p50,
                p99: io.p99)
            addBaseline(Self.sequential, "C zerorpc add", try baselines.cZeroRPCAdd(), prefix: "sequential")
            addBaseline(
                Self.sequential, "raw libzmq C", try baselines.rawPingPong(pipelined: false), prefix: "sequential")
        }
        for (mode, name) in [("defaults", us), ("I/O-thread executor", Self.ioThreadsName)] {
            for baseline in ["C zerorpc add", "raw libzmq C"] {
                if let ratios = collector.roundRatios(scenario: Self.sequential, name, over: baseline) {
                    let label = "per-round ratio, \(mode) ÷ \(baseline)"
                    collector.note(scenario: Self.sequential, implementation: name, "\(label): median", ratios.median)
                    collector.note(scenario: Self.sequential, implementation: name, "\(label): lowest", ratios.lowest)
                    collector.note(scenario: Self.sequential, implementation: name, "\(label): highest", ratios.highest)
                }
            }
        }
    }

    private mutating func unaryAdd(
        _ ours: SwiftScenarios, python: [String: Double]?, grpc: [String: Double]?
    ) async throws {
        let calls = settings.calls
        let swift = try await ours.sequentialAdd(calls: calls)
        collector.add(
            scenario: Self.sequential, implementation: us, throughput: swift.throughput, p50: swift.p50, p99: swift.p99)
        let cAdd = try baselines.cZeroRPCAdd()
        addBaseline(Self.sequential, "C zerorpc add", cAdd, prefix: "sequential")
        let raw = try baselines.rawPingPong(window: 64)
        addBaseline(Self.sequential, "raw libzmq C", raw, prefix: "sequential")
        if let python { addBaseline(Self.sequential, "Python zerorpc", python, prefix: "sequential") }
        addGRPC(Self.sequential, grpc, prefix: "sequential")

        collector.add(
            scenario: Self.inFlight64, implementation: us,
            throughput: try await ours.pipelinedAdd(calls: calls * 5, window: 64))
        collector.add(
            scenario: Self.inFlight64, implementation: "raw libzmq C", throughput: raw["pipelined_per_s"] ?? 0)
        if let python {
            collector.add(
                scenario: Self.inFlight64, implementation: "Python zerorpc", throughput: python["pipelined_per_s"] ?? 0)
        }
        addGRPC(Self.inFlight64, grpc, prefix: "concurrent", label: "grpc-swift-2 (64 callers)")

        let inFlight512 = "unary add, 512 in flight"
        collector.add(
            scenario: inFlight512, implementation: us,
            throughput: try await ours.pipelinedAdd(calls: calls * 5, window: 512))
        let raw512 = try baselines.rawPingPong(window: 512)
        collector.add(scenario: inFlight512, implementation: "raw libzmq C", throughput: raw512["pipelined_per_s"] ?? 0)
    }

    static let ioThreadsName = "zerorpc-swift, I/O-thread executor"

    private mutating func unaryAddOnIOThreads(_ ours: SwiftScenarios) async throws {
        let swift = try await ours.sequentialAdd(calls: settings.calls)
        collector.add(
            scenario: Self.sequential, implementation: Self.ioThreadsName, throughput: swift.throughput,
            p50: swift.p50, p99: swift.p99)
        collector.add(
            scenario: Self.inFlight64, implementation: Self.ioThreadsName,
            throughput: try await ours.pipelinedAdd(calls: settings.calls * 5, window: 64))
    }

    // MARK: - Scenario 3

    private mutating func payloads(_ ours: SwiftScenarios) async throws {
        for (size, label) in [(16, "16 B"), (1024, "1 KiB"), (65_536, "64 KiB"), (1 << 20, "1 MiB")] {
            let scenario = "bytes echo \(label), sequential"
            let echoCalls = max(20, settings.calls / max(1, size / 4096))
            let swift = try await ours.echo(size: size, calls: echoCalls)
            collector.add(
                scenario: scenario, implementation: us, throughput: swift.throughput, p50: swift.p50, p99: swift.p99)
            let raw = try Baselines(root: baselines.root, calls: echoCalls).rawPingPong(window: 1, size: size)
            addBaseline(scenario, "raw libzmq C", raw, prefix: "sequential")
        }
    }

    // MARK: - Scenario 4

    private mutating func structHeavy(
        _ ours: SwiftScenarios, python: [String: Double]?, grpc: [String: Double]?
    ) async throws {
        let swift = try await ours.structHeavy(calls: max(10, settings.calls / 10))
        collector.add(
            scenario: Self.structHeavy, implementation: us, throughput: swift.throughput, p50: swift.p50,
            p99: swift.p99)
        if let python {
            collector.add(
                scenario: Self.structHeavy, implementation: "Python zerorpc", throughput: python["records_per_s"] ?? 0)
        }
        addGRPC(Self.structHeavy, grpc, prefix: "records")
    }

    // MARK: - Scenarios 5 and 7: waiting for the runtime

    /// Scenario 5, items/s of a server stream of 1,000,000 ints (10,000 in `--smoke`),
    /// with the client's peak RSS (the server's is noted for the whole run).
    private mutating func streamScenario(_ ours: SwiftScenarios) async throws {
        let count = settings.smoke ? 10_000 : 1_000_000
        let scenario = settings.smoke ? "server stream, 10,000 ints" : "server stream, 1,000,000 ints"
        collector.add(scenario: scenario, implementation: us, throughput: try await ours.streamInts(count: count))
        if let peak = peakResidentMemory(pid: getpid()) {
            collector.note(scenario: scenario, implementation: us, "client peak RSS MiB (whole run)", peak)
        }
    }

    /// Scenario 7, the round trip of a deferred call with budget 0 and a manual
    /// `result()`: `DEFERRED [token]`, then `_zpc_result`, then `_zpc_ack`.
    private mutating func deferredScenario(_ ours: SwiftScenarios) async throws {
        let deferred = try await ours.deferredAdd(calls: max(50, settings.calls / 10))
        collector.add(
            scenario: "deferred add, budget 0, manual result()", implementation: us,
            throughput: deferred.throughput, p50: deferred.p50, p99: deferred.p99)
    }

    // MARK: - Allocations and memory

    /// Heap allocations per sequential add, client and server, each in a process of its
    /// own with `malloc_count.c` preloaded.
    private mutating func allocationsPerCall() throws {
        guard let counter = baselines.mallocCounter else {
            collector.addMissing(
                scenario: "allocations per sequential add", implementation: us,
                reason: "libmalloc_count.so not built (`make baselines`)")
            return
        }
        let environment = ["LD_PRELOAD": counter.path]
        let server = try ChildProcess(executable, ["serve", "tcp://127.0.0.1:*"], environment: environment)
        defer { server.stop() }
        let endpoint = try server.waitForLine(startingWith: "READY ")
        let probe = try runProbe(endpoint, calls: min(settings.calls, 5_000), inFlight: 1, environment: environment)
        guard let client = probe.clientAllocationsPerCall, let serverSide = probe.serverAllocationsPerCall else {
            throw BenchmarkError.childFailed("the preloaded malloc counter reported nothing")
        }
        collector.note(scenario: Self.sequential, implementation: us, "client allocations per call", client)
        collector.note(scenario: Self.sequential, implementation: us, "server allocations per call", serverSide)
    }

    /// Throughput and peak RSS of a fresh server and client with `window` calls in flight.
    private mutating func manyInFlight(_ window: Int) throws {
        let server = try ChildProcess(executable, ["serve", "tcp://127.0.0.1:*"])
        defer { server.stop() }
        let endpoint = try server.waitForLine(startingWith: "READY ")
        let probe = try runProbe(endpoint, calls: window * 3, inFlight: window)
        let scenario = "unary add, \(window.formatted()) in flight"
        collector.add(scenario: scenario, implementation: us, throughput: probe.callsPerSecond)
        if let peak = peakResidentMemory(pid: server.process.processIdentifier) {
            collector.note(scenario: scenario, implementation: us, "server peak RSS MiB", peak)
        }
        if let peak = probe.clientPeakRSSMiB {
            collector.note(scenario: scenario, implementation: us, "client peak RSS MiB", peak)
        }
    }

    private func runProbe(
        _ endpoint: String, calls: Int, inFlight: Int, environment: [String: String]? = nil
    ) throws -> ClientProbeResult {
        let line = try baselines.lastJSONLine(
            executable, ["client", endpoint, "--calls", "\(calls)", "--in-flight", "\(inFlight)", "--json"],
            environment: environment)
        return try JSONDecoder().decode(ClientProbeResult.self, from: line)
    }

    // MARK: - Baseline rows

    private mutating func addBaseline(
        _ scenario: String, _ implementation: String, _ figures: [String: Double], prefix: String
    ) {
        collector.add(
            scenario: scenario, implementation: implementation, throughput: figures["\(prefix)_per_s"] ?? 0,
            p50: figures["\(prefix)_p50_us"], p99: figures["\(prefix)_p99_us"])
    }

    /// A grpc-swift-2 row, or a loud "not built" row when `make grpc-baseline` has not run.
    private mutating func addGRPC(
        _ scenario: String, _ figures: [String: Double]?, prefix: String, label: String = "grpc-swift-2"
    ) {
        guard settings.grpc else { return }
        if let figures {
            addBaseline(scenario, label, figures, prefix: prefix)
        } else {
            collector.addMissing(
                scenario: scenario, implementation: label, reason: "grpc-baseline not built: run `make grpc-baseline`")
        }
    }

    private func startGRPCServer() throws -> (server: ChildProcess, executable: URL, address: String)? {
        guard settings.grpc else { return nil }
        guard let executable = baselines.grpcBaseline else {
            benchLog("WARNING: the grpc-swift-2 baseline is not built; run `make grpc-baseline` (takes minutes)")
            return nil
        }
        let server = try ChildProcess(executable.path, ["serve"])
        return (server, executable, try server.waitForLine(startingWith: "READY "))
    }
}

func benchLog(_ message: String) {
    FileHandle.standardError.write(Data("zerorpc-bench: \(message)\n".utf8))
}
