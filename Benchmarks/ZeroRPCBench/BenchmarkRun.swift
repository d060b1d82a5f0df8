import Foundation

/// One `zerorpc-bench run`: the scenarios of issue 8, ours and each baseline back to
/// back in every round, then the measurements that run once (allocations, memory).
///
/// 1. unary add, sequential — C zerorpc, raw libzmq, Python zerorpc, grpc-swift-2
/// 2. unary add, 64 and 512 in flight — raw libzmq, Python zerorpc, grpc-swift-2 (64)
/// 3. bytes echo, 16 B to 1 MiB — raw libzmq
/// 4. struct-heavy echo_records, 100 records — Python zerorpc, grpc-swift-2
/// 5. server stream of 1,000,000 ints — C zerorpc stream, and the two cross rows (our
///    client against the C server, the C client against ours)
/// 6. 16 clients against one server
/// 7. deferred call, budget 0, manual result() — a plain `add` on the same server
///
/// Every round runs each scenario's implementations back to back, forwards in odd rounds
/// and backwards in even ones (`alternating`), every implementation after the same
/// warm-up; the report shows, for every row, the median, lowest and highest of the
/// per-round throughput ratios. Once per run: allocations per sequential call (client and
/// server, with the malloc counter preloaded) and peak RSS with 10,000 calls in flight
/// (not in `--smoke`).
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
        /// Only scenario 5 (ours, C, and the two cross rows): stream speed, quickly.
        var streamsOnly = false
        /// Only scenario 4 (ours, Python zerorpc, grpc-swift-2): the codec-bound row, quickly.
        var structOnly = false
        /// Items of each timed stream in scenario 5.
        var streamItems = 1_000_000
        /// Only scenario 3 (bytes echo, 16 B to 1 MiB) beside raw libzmq C.
        var payloadsOnly = false
    }

    static let sequential = "unary add, sequential"
    static let inFlight64 = "unary add, 64 in flight"
    static let inFlight512 = "unary add, 512 in flight"
    static let structHeavy = "struct-heavy echo, 100 records"
    static let deferred = "deferred add, budget 0, manual result()"
    static let cStreamName = "C zerorpc stream"
    static let oursToCStream = "zerorpc-swift client → C stream server"
    static let cStreamToOurs = "C stream client → zerorpc-swift server"
    static let plainAdd = "plain add, same server and client setup"
    /// The untimed stream every stream row runs on its connection first.
    static let streamWarmupItems = 10_000

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

    /// Untimed calls every implementation makes on its connection before the timed ones,
    /// as the C baselines do (`zerorpc_add`: min(calls, 1,000); `raw_pingpong`: 1,000).
    var warmup: Int { min(1_000, settings.calls) }
    /// Calls of the 64-in-flight row, the same for every implementation: Python zerorpc
    /// does ~3,000 calls/s there, too slow for the 5 × `calls` our row once made.
    var inFlightCalls: Int { settings.calls * 2 }
    /// Calls of the struct-heavy and deferred rows, the same for every implementation.
    var structCalls: Int { max(10, settings.calls / 10) }
    var deferredCalls: Int { max(50, settings.calls / 10) }
    var streamScenario: String { "server stream, \(settings.streamItems.formatted()) ints" }

    mutating func measure() async throws -> [BenchmarkResult] {
        let server = try ChildProcess(executable, ["serve", "tcp://127.0.0.1:*"])
        defer { server.stop() }
        let endpoint = try server.waitForLine(startingWith: "READY ")
        let ours = SwiftScenarios(
            endpoint: endpoint, warmupCalls: warmup,
            streamWarmupItems: min(Self.streamWarmupItems, settings.streamItems))
        if settings.streamsOnly {
            let cStream = try baselines.startCStreamServer()
            defer { cStream.server.stop() }
            for round in 1...settings.rounds {
                benchLog("streams, round \(round)/\(settings.rounds)")
                collector.beginRound(round)
                try await streamRound(round, ours, cEndpoint: cStream.endpoint)
            }
            notePeakMemory(server: server)
            return collector.results
        }
        if settings.payloadsOnly {
            for round in 1...settings.rounds {
                benchLog("payloads, round \(round)/\(settings.rounds)")
                collector.beginRound(round)
                try await payloadsRound(round, ours)
            }
            return collector.results
        }
        if settings.sequentialOnly {
            try await sequentialRounds(ours)
            return collector.results
        }
        if settings.structOnly {
            try await structRounds(ours)
            return collector.results
        }
        let cStream = try baselines.startCStreamServer()
        defer { cStream.server.stop() }
        let grpc = try startGRPCServer()
        defer { grpc?.server.stop() }

        for round in 1...settings.rounds {
            benchLog("round \(round)/\(settings.rounds)")
            collector.beginRound(round)
            try await unaryRound(round, ours, grpc: grpc)
            try await payloadsRound(round, ours)
            collector.add(
                scenario: "16 clients, sequential each", implementation: us,
                throughput: try await ours.manyClients(clients: 16, callsPerClient: max(1, settings.calls / 8)))
            // Events (issue 18): PUSH/PULL and PUB/SUB beside raw C PUSH/PULL.
            try await EventsBenchmark(
                executable: executable, baselines: baselines, messages: settings.smoke ? 20_000 : 500_000
            ).runRound(into: &collector, round: round)
            // Deferred round trips per store (issue 15); PostgreSQL when make bench started
            // its private cluster (ZERORPC_POSTGRES_URL), else a "missing" row.
            try await DeferredStoresBenchmark(
                calls: max(50, settings.calls / 20),
                postgresURL: ProcessInfo.processInfo.environment["ZERORPC_POSTGRES_URL"]
            ).measure(into: &collector)
            try await streamRound(round, ours, cEndpoint: cStream.endpoint)
            try await deferredRound(round, ours)
        }
        try allocationsPerCall()
        if !settings.smoke { try manyInFlight(10_000) }
        notePeakMemory(server: server)
        return collector.results
    }

    /// Peak RSS of our `serve` process over the whole run, and of this process (the
    /// client; with a million-item stream in it when scenario 5 ran).
    private mutating func notePeakMemory(server: ChildProcess) {
        let scenario = settings.streamsOnly ? streamScenario : Self.sequential
        if let peak = peakResidentMemory(pid: server.process.processIdentifier) {
            collector.note(scenario: scenario, implementation: us, "server peak RSS MiB (whole run)", peak)
        }
        if let peak = peakResidentMemory(pid: getpid()) {
            collector.note(scenario: streamScenario, implementation: us, "client peak RSS MiB (whole run)", peak)
        }
    }

    private mutating func record(_ figures: [RoundFigure]) {
        for figure in figures { collector.add(figure) }
    }

    // MARK: - Scenarios 1, 2 and 4

    /// `--sequential-only`: each round runs ours and the two C baselines back to back, in
    /// alternating order.
    private mutating func sequentialRounds(_ ours: SwiftScenarios) async throws {
        let run = self
        for round in 1...settings.rounds {
            benchLog("round \(round)/\(settings.rounds)")
            collector.beginRound(round)
            record(
                try await alternating(
                    round: round,
                    [
                        { [try await run.sequential(ours, name: run.us)] },
                        {
                            [
                                Self.baselineFigure(
                                    Self.sequential, "C zerorpc add", try run.baselines.cZeroRPCAdd(),
                                    prefix: "sequential")
                            ]
                        },
                        {
                            [
                                Self.baselineFigure(
                                    Self.sequential, "raw libzmq C", try run.baselines.rawPingPong(pipelined: false),
                                    prefix: "sequential")
                            ]
                        },
                    ]))
        }
    }

    /// `--struct-only`: each round runs scenario 4 for ours, Python zerorpc and
    /// grpc-swift-2 back to back, in alternating order, with `structCalls` echoes each
    /// (every implementation first makes the same `warmup` untimed `add`s; the baselines
    /// then the fewest timed `add`s their programs allow, which this row ignores).
    private mutating func structRounds(_ ours: SwiftScenarios) async throws {
        let grpc = try startGRPCServer()
        defer { grpc?.server.stop() }
        let run = self
        for round in 1...settings.rounds {
            benchLog("struct-heavy, round \(round)/\(settings.rounds)")
            collector.beginRound(round)
            var steps: [() async throws -> [RoundFigure]] = [
                {
                    let records = try await ours.structHeavy(calls: run.structCalls)
                    return [
                        RoundFigure(
                            scenario: Self.structHeavy, implementation: run.us, throughput: records.throughput,
                            p50: records.p50, p99: records.p99)
                    ]
                }
            ]
            if settings.python {
                steps.append {
                    let python = try run.baselines.pythonZeroRPC(
                        calls: 1, pipelined: 1, records: run.structCalls, warmup: run.warmup)
                    return [Self.baselineFigure(Self.structHeavy, "Python zerorpc", python, prefix: "records")]
                }
            }
            if let grpc {
                steps.append {
                    let figures = try run.baselines.grpc(
                        grpc.executable, address: grpc.address, calls: 1, concurrency: 1, concurrentCalls: 1,
                        records: run.structCalls, warmup: run.warmup)
                    return [Self.baselineFigure(Self.structHeavy, "grpc-swift-2", figures, prefix: "records")]
                }
            }
            record(try await alternating(round: round, steps))
        }
    }

    private func sequential(_ scenarios: SwiftScenarios, name: String) async throws -> RoundFigure {
        let figures = try await scenarios.sequentialAdd(calls: settings.calls)
        return RoundFigure(
            scenario: Self.sequential, implementation: name, throughput: figures.throughput, p50: figures.p50,
            p99: figures.p99)
    }

    /// Scenarios 1, 2 and 4 for every implementation, each one's rows back to back:
    /// sequential `calls`, `inFlightCalls` with 64 in flight (5 × `calls` with 512, ours
    /// and raw C only), `structCalls` struct-heavy echoes — the same counts for all.
    private mutating func unaryRound(
        _ round: Int, _ ours: SwiftScenarios,
        grpc: (server: ChildProcess, executable: URL, address: String)?
    ) async throws {
        let run = self
        var steps: [() async throws -> [RoundFigure]] = [
            { try await run.oursUnary(ours) },
            {
                [
                    Self.baselineFigure(
                        Self.sequential, "C zerorpc add", try run.baselines.cZeroRPCAdd(), prefix: "sequential")
                ]
            },
            { try run.rawUnary() },
        ]
        if settings.python { steps.append { try run.pythonUnary() } }
        if let grpc { steps.append { try run.grpcUnary(grpc.executable, address: grpc.address) } }
        record(try await alternating(round: round, steps))
        if settings.grpc && grpc == nil {
            for scenario in [Self.sequential, Self.structHeavy] {
                collector.addMissing(
                    scenario: scenario, implementation: "grpc-swift-2",
                    reason: "grpc-baseline not built: run `make grpc-baseline`")
            }
            collector.addMissing(
                scenario: Self.inFlight64, implementation: "grpc-swift-2 (64 callers)",
                reason: "grpc-baseline not built: run `make grpc-baseline`")
        }
    }

    private func oursUnary(_ ours: SwiftScenarios) async throws -> [RoundFigure] {
        let oneByOne = try await sequential(ours, name: us)
        let inFlight64 = try await ours.pipelinedAdd(calls: inFlightCalls, window: 64)
        let inFlight512 = try await ours.pipelinedAdd(calls: settings.calls * 5, window: 512)
        let records = try await ours.structHeavy(calls: structCalls)
        return [
            oneByOne,
            RoundFigure(scenario: Self.inFlight64, implementation: us, throughput: inFlight64),
            RoundFigure(scenario: Self.inFlight512, implementation: us, throughput: inFlight512),
            RoundFigure(
                scenario: Self.structHeavy, implementation: us, throughput: records.throughput, p50: records.p50,
                p99: records.p99),
        ]
    }

    private func rawUnary() throws -> [RoundFigure] {
        let raw = try baselines.rawPingPong(window: 64, messages: inFlightCalls)
        let raw512 = try baselines.rawPingPong(window: 512, messages: settings.calls * 5)
        return [
            Self.baselineFigure(Self.sequential, "raw libzmq C", raw, prefix: "sequential"),
            RoundFigure(
                scenario: Self.inFlight64, implementation: "raw libzmq C", throughput: raw["pipelined_per_s"] ?? 0),
            RoundFigure(
                scenario: Self.inFlight512, implementation: "raw libzmq C", throughput: raw512["pipelined_per_s"] ?? 0),
        ]
    }

    private func pythonUnary() throws -> [RoundFigure] {
        let python = try baselines.pythonZeroRPC(
            calls: settings.calls, pipelined: inFlightCalls, records: structCalls, warmup: warmup)
        return [
            Self.baselineFigure(Self.sequential, "Python zerorpc", python, prefix: "sequential"),
            RoundFigure(
                scenario: Self.inFlight64, implementation: "Python zerorpc", throughput: python["pipelined_per_s"] ?? 0),
            RoundFigure(
                scenario: Self.structHeavy, implementation: "Python zerorpc", throughput: python["records_per_s"] ?? 0),
        ]
    }

    private func grpcUnary(_ executable: URL, address: String) throws -> [RoundFigure] {
        let grpc = try baselines.grpc(
            executable, address: address, calls: settings.calls, concurrentCalls: inFlightCalls, records: structCalls,
            warmup: warmup)
        return [
            Self.baselineFigure(Self.sequential, "grpc-swift-2", grpc, prefix: "sequential"),
            Self.baselineFigure(Self.inFlight64, "grpc-swift-2 (64 callers)", grpc, prefix: "concurrent"),
            Self.baselineFigure(Self.structHeavy, "grpc-swift-2", grpc, prefix: "records"),
        ]
    }

    // MARK: - Scenario 3

    private mutating func payloadsRound(_ round: Int, _ ours: SwiftScenarios) async throws {
        for (size, label) in [(16, "16 B"), (1024, "1 KiB"), (65_536, "64 KiB"), (1 << 20, "1 MiB")] {
            let scenario = "bytes echo \(label), sequential"
            // At least 200 calls: 1 MiB rows of 78 calls (≈ 0.1 s) swung 0.12x–0.5x between runs.
            let echoCalls = max(200, settings.calls / max(1, size / 4096))
            let raw = Baselines(root: baselines.root, calls: echoCalls)
            let us = self.us
            record(
                try await alternating(
                    round: round,
                    [
                        {
                            let swift = try await ours.echo(size: size, calls: echoCalls)
                            return [
                                RoundFigure(
                                    scenario: scenario, implementation: us, throughput: swift.throughput,
                                    p50: swift.p50, p99: swift.p99)
                            ]
                        },
                        {
                            [
                                Self.baselineFigure(
                                    scenario, "raw libzmq C", try raw.rawPingPong(window: 1, size: size),
                                    prefix: "sequential")
                            ]
                        },
                    ]))
        }
    }

    // MARK: - Scenario 5

    /// One round of scenario 5: items/s of one stream of `streamItems` ints after a
    /// 10,000-item warm-up stream on the same connection, for our client and server, the C
    /// client and server, and each of ours against the other's.
    private mutating func streamRound(_ round: Int, _ ours: SwiftScenarios, cEndpoint: String) async throws {
        let scenario = streamScenario
        let items = settings.streamItems
        let warmup = min(Self.streamWarmupItems, items)
        let baselines = self.baselines
        let us = self.us
        let oursToC = SwiftScenarios(endpoint: cEndpoint, streamWarmupItems: warmup)
        func figure(_ name: String, _ role: RowRole, _ itemsPerSecond: Double) -> [RoundFigure] {
            [
                RoundFigure(
                    scenario: scenario, implementation: name, role: role, unit: "items/s", throughput: itemsPerSecond)
            ]
        }
        record(
            try await alternating(
                round: round,
                [
                    { figure(us, .reference, try await ours.streamInts(count: items)) },
                    {
                        figure(
                            Self.cStreamName, .baseline,
                            try baselines.cStream(endpoint: cEndpoint, items: items, warmup: warmup)["items_per_s"] ?? 0
                        )
                    },
                    { figure(Self.oursToCStream, .variant, try await oursToC.streamInts(count: items)) },
                    {
                        figure(
                            Self.cStreamToOurs, .variant,
                            try baselines.cStream(endpoint: ours.endpoint, items: items, warmup: warmup)["items_per_s"]
                                ?? 0)
                    },
                ]))
    }

    // MARK: - Scenario 7

    /// Deferred calls with budget 0 and a manual `result()` (`DEFERRED [token]`, then
    /// `_zpc_result`, then `_zpc_ack`) beside as many plain `add` calls on the same
    /// server, so the ratio is what deferring costs.
    private mutating func deferredRound(_ round: Int, _ ours: SwiftScenarios) async throws {
        let calls = deferredCalls
        let us = self.us
        record(
            try await alternating(
                round: round,
                [
                    {
                        let deferred = try await ours.deferredAdd(calls: calls)
                        return [
                            RoundFigure(
                                scenario: Self.deferred, implementation: us, throughput: deferred.throughput,
                                p50: deferred.p50, p99: deferred.p99)
                        ]
                    },
                    {
                        let plain = try await ours.sequentialAdd(calls: calls)
                        return [
                            RoundFigure(
                                scenario: Self.deferred, implementation: Self.plainAdd, role: .baseline,
                                throughput: plain.throughput, p50: plain.p50, p99: plain.p99)
                        ]
                    },
                ]))
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

    /// A baseline's row from the JSON a baseline program printed (`<prefix>_per_s`,
    /// `<prefix>_p50_us`, `<prefix>_p99_us`).
    static func baselineFigure(
        _ scenario: String, _ implementation: String, _ figures: [String: Double], prefix: String
    ) -> RoundFigure {
        RoundFigure(
            scenario: scenario, implementation: implementation, throughput: figures["\(prefix)_per_s"] ?? 0,
            p50: figures["\(prefix)_p50_us"], p99: figures["\(prefix)_p99_us"])
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
