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
            rounds, and reports medians and the ratio of our throughput to each baseline's.
            Build the baselines first: `make baselines venv` (or just `make bench`).

              zerorpc-bench                   all scenarios, 3 rounds
              zerorpc-bench --smoke           a second or two: keeps the harness working
              zerorpc-bench serve tcp://127.0.0.1:*
              zerorpc-bench client tcp://127.0.0.1:PORT --calls 10000   (e.g. under callgrind)
            """,
        subcommands: [Measure.self, Serve.self, CallLoop.self],
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

    mutating func run() async throws {
        let rounds = smoke ? 1 : rounds
        let calls = smoke ? 300 : calls
        let rootURL = URL(fileURLWithPath: root)
        let baselines = Baselines(root: rootURL, calls: calls)
        try baselines.checkInstalled()

        let server = try ChildProcess(CommandLine.arguments[0], ["serve", "tcp://127.0.0.1:*"])
        defer { server.stop() }
        let endpoint = try server.waitForLine(startingWith: "READY ")
        let ours = SwiftScenarios(endpoint: endpoint)
        let us = Report.ourName
        var collector = RoundCollector()

        for round in 1...rounds {
            log("round \(round)/\(rounds)")
            let sequential = "unary add, sequential"
            let swiftSequential = try await ours.sequentialAdd(calls: calls)
            collector.add(
                scenario: sequential, implementation: us, throughput: swiftSequential.throughput,
                p50: swiftSequential.p50, p99: swiftSequential.p99)
            let cAdd = try baselines.cZeroRPCAdd()
            collector.add(
                scenario: sequential, implementation: "C zerorpc add", throughput: cAdd["sequential_per_s"] ?? 0,
                p50: cAdd["sequential_p50_us"], p99: cAdd["sequential_p99_us"])
            let raw = try baselines.rawPingPong(window: 64)
            collector.add(
                scenario: sequential, implementation: "raw libzmq C", throughput: raw["sequential_per_s"] ?? 0,
                p50: raw["sequential_p50_us"], p99: raw["sequential_p99_us"])

            let pipelined64 = "unary add, 64 in flight"
            collector.add(
                scenario: pipelined64, implementation: us,
                throughput: try await ours.pipelinedAdd(calls: calls * 5, window: 64))
            collector.add(
                scenario: pipelined64, implementation: "raw libzmq C", throughput: raw["pipelined_per_s"] ?? 0)

            let pipelined512 = "unary add, 512 in flight"
            collector.add(
                scenario: pipelined512, implementation: us,
                throughput: try await ours.pipelinedAdd(calls: calls * 5, window: 512))
            let raw512 = try baselines.rawPingPong(window: 512)
            collector.add(
                scenario: pipelined512, implementation: "raw libzmq C", throughput: raw512["pipelined_per_s"] ?? 0)

            if !smoke && !skipPython {
                let python = try baselines.pythonZeroRPC(calls: min(calls, 3_000))
                collector.add(
                    scenario: sequential, implementation: "Python zerorpc",
                    throughput: python["sequential_per_s"] ?? 0,
                    p50: python["sequential_p50_us"], p99: python["sequential_p99_us"])
                collector.add(
                    scenario: pipelined64, implementation: "Python zerorpc",
                    throughput: python["pipelined_per_s"] ?? 0)
            }

            for (size, label) in [(16, "16 B"), (1024, "1 KiB"), (65_536, "64 KiB"), (1 << 20, "1 MiB")] {
                let scenario = "bytes echo \(label), sequential"
                let echoCalls = max(20, calls / max(1, size / 4096))
                let swiftEcho = try await ours.echo(size: size, calls: echoCalls)
                collector.add(
                    scenario: scenario, implementation: us, throughput: swiftEcho.throughput,
                    p50: swiftEcho.p50, p99: swiftEcho.p99)
                let rawEcho = try Baselines(root: rootURL, calls: echoCalls).rawPingPong(window: 1, size: size)
                collector.add(
                    scenario: scenario, implementation: "raw libzmq C", throughput: rawEcho["sequential_per_s"] ?? 0,
                    p50: rawEcho["sequential_p50_us"], p99: rawEcho["sequential_p99_us"])
            }

            collector.add(
                scenario: "16 clients, sequential each", implementation: us,
                throughput: try await ours.manyClients(clients: 16, callsPerClient: max(1, calls / 8)))
        }

        var results = collector.results
        if let peak = peakResidentMemory(pid: server.process.processIdentifier),
            let index = results.firstIndex(where: { $0.implementation == us })
        {
            results[index].notes["server peak RSS MiB (whole run)"] = peak
        }
        let report = Report(
            command: (["zerorpc-bench"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
            date: ISO8601DateFormatter().string(from: Date()), machine: Report.describeMachine(), results: results)
        print(report.markdown)
        for result in results {
            for (name, value) in result.notes { print("\(name): \(String(format: "%.1f", value))") }
        }
        if !smoke {
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: json).deletingLastPathComponent(), withIntermediateDirectories: true)
            try report.writeJSON(to: json)
            log("wrote \(json)")
        }
        guard results.allSatisfy({ $0.throughput > 0 }) else {
            throw BenchmarkError.wrongResult("a scenario measured zero throughput")
        }
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("zerorpc-bench: \(message)\n".utf8))
    }
}

/// The server side of the scenarios, in its own process like the baselines' servers.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the benchmark methods; prints READY <endpoint>, exits when stdin closes.")

    @Argument(help: "The endpoint to bind, e.g. tcp://127.0.0.1:*") var endpoint = "tcp://127.0.0.1:*"
    @Flag(help: "Run handlers on the server's I/O thread (HandlerExecution.ioThread).") var ioThreadHandlers = false

    func run() async throws {
        let server = Server(
            name: "zerorpc-bench", options: ServerOptions(handlerExecution: ioThreadHandlers ? .ioThread : .concurrent))
        try server.register(BenchService())
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

/// Sequential `add` calls against any zerorpc server with `add`: the client half of an
/// instruction count (`valgrind --tool=callgrind zerorpc-bench client …`).
struct CallLoop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client", abstract: "Make sequential add calls against ENDPOINT and print calls/s.")

    @Argument(help: "The server's endpoint.") var endpoint: String
    @Option(help: "How many calls.") var calls = 10_000
    @Flag(help: "Make the calls from a task on the client's I/O thread (Client.executor).") var ioThread = false

    func run() async throws {
        let result = try await SwiftScenarios(endpoint: endpoint, onIOThread: ioThread).sequentialAdd(calls: calls)
        print(String(format: "%d calls: %.0f calls/s, p50 %.1f µs", calls, result.throughput, result.p50))
    }
}
