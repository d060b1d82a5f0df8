import Foundation
import ZeroRPC

/// The programs we measure ourselves against, run side by side in the same run.
struct Baselines {
    /// The package root, where `make baselines` and `make venv` put their outputs.
    let root: URL
    let calls: Int

    var cDirectory: URL { root.appendingPathComponent("Benchmarks/Baselines/c/bin") }
    var python: URL {
        if let path = ProcessInfo.processInfo.environment["ZERORPC_PYTHON"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return root.appendingPathComponent(".venv/bin/python")
    }

    /// `raw_pingpong bench`: DEALER/ROUTER echo in C, sequential and `window` in flight
    /// (`messages` of them, 10 × `calls` when nil; a token pipelined pass when
    /// `pipelined` is false).
    func rawPingPong(
        window: Int = 64, size: Int = 64, pipelined: Bool = true, messages: Int? = nil
    ) throws -> [String: Double] {
        try runJSON(
            cDirectory.appendingPathComponent("raw_pingpong").path,
            [
                "bench", "--calls", "\(calls)", "--messages", "\(pipelined ? messages ?? calls * 10 : window)",
                "--window", "\(window)", "--size", "\(size)",
            ])
    }

    /// `zerorpc_add bench`: zerorpc v3 `add` in C with real framing.
    func cZeroRPCAdd() throws -> [String: Double] {
        try runJSON(cDirectory.appendingPathComponent("zerorpc_add").path, ["bench", "--calls", "\(calls)"])
    }

    /// `zerorpc_stream client ENDPOINT`: the C stream client (credit granted as our
    /// `ResponseStream` grants it, with its window) against the C stream server or
    /// `zerorpc-bench serve`; one untimed stream of `warmup` items, then `items` checked
    /// one by one.
    func cStream(endpoint: String, items: Int, warmup: Int) throws -> [String: Double] {
        try runJSON(
            cDirectory.appendingPathComponent("zerorpc_stream").path,
            [
                "client", endpoint, "--items", "\(items)", "--warmup", "\(warmup)", "--window",
                "\(ResponseStream<Int64>.creditWindow)",
            ])
    }

    /// `zerorpc_stream server`, which serves `count(n)` until its stdin closes.
    func startCStreamServer() throws -> (server: ChildProcess, endpoint: String) {
        let server = try ChildProcess(cDirectory.appendingPathComponent("zerorpc_stream").path, ["server"])
        return (server, try server.waitForLine(startingWith: "READY "))
    }

    /// Stock Python zerorpc client against a stock Python zerorpc server: `warmup` untimed
    /// `add`s, `calls` sequential ones, `pipelined` (default `calls`) with `window` in
    /// flight, then `records` sequential `echo_records` of 100 records.
    func pythonZeroRPC(
        calls: Int, window: Int = 64, pipelined: Int? = nil, records: Int, warmup: Int = 1
    ) throws -> [String: Double] {
        let server = try ChildProcess(
            python.path,
            [root.appendingPathComponent("Benchmarks/Baselines/python/bench_server.py").path, "tcp://127.0.0.1:*"])
        defer { server.stop() }
        let endpoint = try server.waitForLine(startingWith: "READY ")
        return try runJSON(
            python.path,
            [
                root.appendingPathComponent("Benchmarks/Baselines/python/bench_client.py").path, endpoint,
                "--calls", "\(calls)", "--window", "\(window)", "--pipelined", "\(pipelined ?? calls)",
                "--records", "\(records)", "--warmup", "\(warmup)",
            ])
    }

    /// The grpc-swift-2 baseline (`Benchmarks/GRPCBaseline`), built by `make grpc-baseline`;
    /// nil when it is not built.
    var grpcBaseline: URL? {
        let path = root.appendingPathComponent("Benchmarks/GRPCBaseline/.build/release/grpc-baseline")
        return FileManager.default.isExecutableFile(atPath: path.path) ? path : nil
    }

    /// grpc-swift-2 unary calls against `grpc-baseline serve` at `address` (host:port):
    /// `warmup` untimed `Add`s, `calls` sequential ones, `concurrentCalls` (default 5 ×
    /// `calls`) from `concurrency` concurrent callers, then `records` `EchoRecords`.
    func grpc(
        _ executable: URL, address: String, calls: Int, concurrency: Int = 64, concurrentCalls: Int? = nil,
        records: Int, warmup: Int = 1
    ) throws -> [String: Double] {
        let port = address.split(separator: ":").last.map(String.init) ?? address
        return try runJSON(
            executable.path,
            [
                "client", port, "--calls", "\(calls)", "--concurrency", "\(concurrency)", "--concurrent-calls",
                "\(concurrentCalls ?? calls * 5)", "--records", "\(records)", "--warmup", "\(warmup)",
            ])
    }

    /// The LD_PRELOAD malloc counter (`malloc_count.c`), built by `make baselines`.
    var mallocCounter: URL? {
        let path = cDirectory.appendingPathComponent("libmalloc_count.so")
        return FileManager.default.fileExists(atPath: path.path) ? path : nil
    }

    func checkInstalled() throws {
        for name in ["raw_pingpong", "zerorpc_add", "raw_pushpull", "zerorpc_stream"] {
            let path = cDirectory.appendingPathComponent(name).path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw BenchmarkError.missing("\(path) — run `make baselines`")
            }
        }
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw BenchmarkError.missing("\(python.path) — run `make venv`")
        }
    }

    /// Runs a program that prints one JSON object on its last `{` line.
    func runJSON(_ executable: String, _ arguments: [String]) throws -> [String: Double] {
        let line = try lastJSONLine(executable, arguments)
        guard let object = try JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            throw BenchmarkError.childFailed("\(executable) printed a JSON line that is not an object")
        }
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }

    /// The last line starting with `{` that a program printed before exiting with 0.
    func lastJSONLine(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil
    ) throws
        -> Data
    {
        let child = try ChildProcess(executable, arguments, environment: environment)
        let output = try child.finish()
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }) else {
            throw BenchmarkError.childFailed("\(executable) printed no JSON line: \(output)")
        }
        return Data(line.utf8)
    }
}
