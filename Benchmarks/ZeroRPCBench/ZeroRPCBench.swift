import ArgumentParser
import Foundation
import ZeroRPC

@main
struct ZeroRPCBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zerorpc-bench",
        abstract: "Measures zerorpc-swift against raw libzmq, C zerorpc and Python zerorpc in one run.",
        discussion: """
            Every scenario runs our implementation and its baselines back to back, for several
            rounds, in alternating order, and reports medians and, for every row, the median,
            lowest and highest of the per-round ratios of throughputs.
            Build the baselines first: `make baselines venv` (or just `make bench`).

              zerorpc-bench                   all scenarios, 3 rounds
              zerorpc-bench --smoke           a second or two: keeps the harness working
              zerorpc-bench --sequential-only sequential add against the C baselines (the headline)
              zerorpc-bench --streams-only    the server stream: ours, C, and the two cross rows
              zerorpc-bench --payloads-only   bytes echo, 16 B to 1 MiB, against raw libzmq C
              zerorpc-bench --events          only the event rows (PUSH/PULL, PUB/SUB, C PUSH/PULL)
              zerorpc-bench serve tcp://127.0.0.1:*
              zerorpc-bench client tcp://127.0.0.1:PORT --calls 10000   (e.g. under callgrind)
            """,
        subcommands: [Measure.self, Serve.self, CallLoop.self, EventsReceive.self, CodecLoop.self, CheckReport.self],
        defaultSubcommand: Measure.self
    )
}

struct Measure: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the scenarios (default).")

    @Option(help: "Rounds per scenario; the report shows medians.") var rounds = 3
    @Option(help: "Sequential calls per round.") var calls = 20_000
    @Flag(help: "A quick pass with few calls and no Python baseline, to prove the harness works.") var smoke = false
    @Flag(help: "Leave out the Python zerorpc baseline.") var skipPython = false
    @Option(help: "Where to write the JSON results.") var json = "Benchmarks/results/latest.json"
    @Option(help: "The package root (baselines and venv are found there).") var root = FileManager.default
        .currentDirectoryPath

    @Flag(help: "Leave out the grpc-swift-2 baseline even when it is built.") var skipGRPC = false
    @Flag(
        help:
            "Only sequential add, ours in both modes against the C baselines, with median per-round ratios (the headline)."
    )
    var sequentialOnly = false
    @Flag(
        help:
            "Only the server stream (scenario 5): ours, C client and server, and each client against the other's server, with per-round ratios."
    )
    var streamsOnly = false
    @Flag(
        help: "Only the struct-heavy echo (scenario 4): ours, Python zerorpc and grpc-swift-2, with per-round ratios.")
    var structOnly = false
    @Option(help: "Items of each timed stream in scenario 5 (10,000 in --smoke).") var streamItems = 1_000_000
    @Flag(help: "Only the bytes echo (16 B to 1 MiB) beside raw libzmq C, with per-round ratios.")
    var payloadsOnly = false
    @Flag(help: "Only the event scenarios: events/s over PUSH/PULL and PUB/SUB beside C PUSH/PULL.") var events = false
    @Option(help: "Measured events per event scenario round.") var eventMessages = 1_000_000
    @Flag(
        help: "Only deferred round trips with the memory, SQLite and PostgreSQL result stores (ZERORPC_POSTGRES_URL).")
    var deferredStores = false

    mutating func run() async throws {
        if deferredStores {
            let results = try await DeferredStoresBenchmark.run(
                rounds: smoke ? 1 : rounds, calls: smoke ? 50 : calls / 10)
            print(
                Report(
                    command: "zerorpc-bench --deferred-stores", date: ISO8601DateFormatter().string(from: Date()),
                    machine: Report.describeMachine(), results: results
                ).markdown)
            return
        }
        let rootURL = URL(fileURLWithPath: root)
        if events { return try await runEvents(root: rootURL) }
        guard [sequentialOnly, streamsOnly, structOnly, payloadsOnly].filter({ $0 }).count <= 1 else {
            throw ValidationError(
                "--sequential-only, --streams-only, --struct-only and --payloads-only exclude each other")
        }
        guard streamItems > 0 else { throw ValidationError("--stream-items must be positive") }
        let settings = BenchmarkRun.Settings(
            rounds: smoke ? 1 : rounds, calls: smoke ? 300 : calls, smoke: smoke,
            python: !smoke && !skipPython, grpc: !smoke && !skipGRPC, sequentialOnly: sequentialOnly,
            streamsOnly: streamsOnly, structOnly: structOnly, streamItems: smoke ? 10_000 : streamItems,
            payloadsOnly: payloadsOnly)
        var run = try BenchmarkRun(root: rootURL, settings: settings)
        let results = try await run.measure()
        let report = Report(
            command: (["zerorpc-bench"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
            date: ISO8601DateFormatter().string(from: Date()), machine: Report.describeMachine(), results: results)
        print(report.markdown)
        print(report.notes)
        if !smoke {
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: json).deletingLastPathComponent(), withIntermediateDirectories: true)
            try report.writeJSON(to: json)
            benchLog("wrote \(json)")
        }
        guard results.allSatisfy({ $0.throughput > 0 || $0.missing != nil }) else {
            throw BenchmarkError.wrongResult("a scenario measured zero throughput")
        }
    }
}

extension Measure {
    /// `--events`: the event rows alone (EventsBenchmark), printed as the main table is.
    private func runEvents(root: URL) async throws {
        let benchmark = EventsBenchmark(
            executable: CommandLine.arguments[0], baselines: Baselines(root: root, calls: calls),
            messages: smoke ? 20_000 : eventMessages)
        var collector = RoundCollector()
        for round in 1...(smoke ? 1 : rounds) {
            benchLog("events round \(round)")
            collector.beginRound(round)
            try await benchmark.runRound(into: &collector, round: round)
        }
        let report = Report(
            command: (["zerorpc-bench"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
            date: ISO8601DateFormatter().string(from: Date()), machine: Report.describeMachine(),
            results: collector.results)
        print(report.markdown)
        print(report.notes)
    }
}

/// The server side of the scenarios, in its own process like the baselines' servers.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the benchmark methods; prints READY <endpoint>, exits when stdin closes.")

    @Argument(help: "The endpoint to bind, e.g. tcp://127.0.0.1:*") var endpoint = "tcp://127.0.0.1:*"
    @Flag(help: "Start every handler on the global concurrent executor (HandlerExecution.concurrent).")
    var concurrentHandlers = false
    @Option(help: "Interceptors: none, pass-through, metrics-no-backend, metrics (a counting backend).")
    var observability = BenchObservability.none

    func run() async throws {
        let server = Server(
            name: "zerorpc-bench",
            options: ServerOptions(
                handlerExecution: concurrentHandlers ? .concurrent : .inline,
                interceptors: observability.serverInterceptors))
        try server.register(BenchService())
        try server.register(RecordEcho())
        let bound = try server.bind(endpoint)
        FileHandle.standardOutput.write(Data("READY \(bound)\n".utf8))
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 256)
            while read(0, &buffer, buffer.count) > 0 {}
            Foundation.exit(0)
        }
        try await server.run()
    }
}

/// `add` calls against any zerorpc server with `add`: the client half of an instruction
/// count (`valgrind --tool=callgrind zerorpc-bench client …`), and the probe the harness
/// runs in its own process for allocations per call and peak RSS (`--json`).
struct CallLoop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client", abstract: "Make add calls against ENDPOINT and print calls/s.")

    @Argument(help: "The server's endpoint.") var endpoint: String
    @Option(help: "How many calls.") var calls = 10_000
    @Option(help: "Calls in flight at once (1: sequential, with latencies and allocation counts).") var inFlight = 1
    @Flag(help: "Print one JSON line (allocations per call need the malloc counter preloaded).") var json = false
    @Option(help: "Instead of add calls, iterate one server stream of this many ints and print items/s.")
    var streamItems: Int?
    @Option(help: "Instead of add calls, make sequential echo calls of this many bytes and print calls/s.")
    var echoBytes: Int?
    @Flag(help: "Instead of add calls, make sequential echo_records calls (100 records) and print calls/s.")
    var records = false
    @Option(help: "Interceptors: none, pass-through, metrics-no-backend, metrics (a counting backend).")
    var observability = BenchObservability.none

    func run() async throws {
        if let streamItems {
            let itemsPerSecond = try await SwiftScenarios(endpoint: endpoint).streamInts(count: streamItems)
            print("\(streamItems) stream items: \(Int(itemsPerSecond)) items/s")
            return
        }
        if records {
            let echo = try await SwiftScenarios(endpoint: endpoint).structHeavy(calls: calls)
            print(String(format: "%d echo_records calls: %.0f calls/s, p50 %.1f µs", calls, echo.throughput, echo.p50))
            return
        }
        if let echoBytes {
            let echo = try await SwiftScenarios(endpoint: endpoint).echo(size: echoBytes, calls: calls)
            print(
                String(
                    format: "%d echoes of %d bytes: %.0f calls/s, p50 %.1f µs", calls, echoBytes, echo.throughput,
                    echo.p50))
            return
        }
        let result = try await ClientProbe(
            endpoint: endpoint, calls: calls, inFlight: max(1, inFlight),
            interceptors: observability.clientInterceptors
        ).run()
        if json {
            print(String(decoding: try JSONEncoder().encode(result), as: UTF8.self))
        } else {
            print(
                String(
                    format: "%d calls, %d in flight: %.0f calls/s, p50 %.1f µs", calls, result.inFlight,
                    result.callsPerSecond, result.p50Microseconds ?? 0))
        }
    }
}
