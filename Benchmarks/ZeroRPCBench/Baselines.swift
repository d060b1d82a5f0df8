import Foundation

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

    /// `raw_pingpong bench`: DEALER/ROUTER echo in C, sequential and 64 in flight.
    func rawPingPong(window: Int = 64, size: Int = 64) throws -> [String: Double] {
        try runJSON(
            cDirectory.appendingPathComponent("raw_pingpong").path,
            [
                "bench", "--calls", "\(calls)", "--messages", "\(calls * 10)", "--window", "\(window)", "--size",
                "\(size)",
            ])
    }

    /// `zerorpc_add bench`: zerorpc v3 `add` in C with real framing.
    func cZeroRPCAdd() throws -> [String: Double] {
        try runJSON(cDirectory.appendingPathComponent("zerorpc_add").path, ["bench", "--calls", "\(calls)"])
    }

    /// Stock Python zerorpc client against a stock Python zerorpc server.
    func pythonZeroRPC(calls: Int, window: Int = 64) throws -> [String: Double] {
        let server = try ChildProcess(
            python.path, [root.appendingPathComponent("Tests/InteropTests/python/server.py").path, "tcp://127.0.0.1:*"])
        defer { server.stop() }
        let endpoint = try server.waitForLine(startingWith: "READY ")
        return try runJSON(
            python.path,
            [
                root.appendingPathComponent("Benchmarks/Baselines/python/bench_client.py").path, endpoint,
                "--calls", "\(calls)", "--window", "\(window)",
            ])
    }

    func checkInstalled() throws {
        for name in ["raw_pingpong", "zerorpc_add"] {
            let path = cDirectory.appendingPathComponent(name).path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw BenchmarkError.missing("\(path) — run `make baselines`")
            }
        }
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw BenchmarkError.missing("\(python.path) — run `make venv`")
        }
    }

    private func runJSON(_ executable: String, _ arguments: [String]) throws -> [String: Double] {
        let child = try ChildProcess(executable, arguments)
        let output = try child.finish()
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else {
            throw BenchmarkError.childFailed("\(executable) printed no JSON line: \(output)")
        }
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
}
