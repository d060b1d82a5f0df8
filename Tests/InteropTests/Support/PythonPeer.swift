import Foundation
import Testing
import ZeroRPC
import ZeroRPCTestSupport

/// Where the interop tests find the Python scripts and the Python that runs them.
enum InteropEnvironment {
    /// The package root, found from this file's path (Tests/InteropTests/Support/…).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let scriptsDirectory = packageRoot.appendingPathComponent("Tests/InteropTests/python")

    /// `ZERORPC_PYTHON` (exported by `make test`), else `<package root>/.venv/bin/python`.
    /// Throws, never skips: a missing Python must fail the interop tests loudly.
    static func python() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["ZERORPC_PYTHON"], !configured.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: configured) else {
                throw InteropSetupError(
                    "ZERORPC_PYTHON=\(configured) is not an executable file. Run `make venv` in \(packageRoot.path) (it creates .venv with zerorpc==0.6.3) or point ZERORPC_PYTHON at a Python that has zerorpc 0.6.3."
                )
            }
            return URL(fileURLWithPath: configured)
        }
        let venvPython = packageRoot.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: venvPython.path) else {
            throw InteropSetupError(
                "INTEROP TESTS CANNOT RUN: no Python with zerorpc. ZERORPC_PYTHON is unset and \(venvPython.path) does not exist. Run `make venv` (or `make test`, which exports ZERORPC_PYTHON) in \(packageRoot.path)."
            )
        }
        return venvPython
    }
}

extension InteropEnvironment {
    /// An executable SwiftPM built next to the test bundle (`zerorpc`,
    /// `zerorpc-ops-test-server`); `swift build --build-tests` builds them.
    static func builtExecutable(_ name: String) throws -> URL {
        var directories: [URL] = []
        if let bundle = Bundle.main.executableURL { directories.append(bundle.deletingLastPathComponent()) }
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        directories.append(packageRoot.appendingPathComponent(".build/debug"))
        for directory in directories {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw InteropSetupError("\(name) not found next to the tests; run `swift build --build-tests` first")
    }
}

struct InteropSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A Python script (or one of the package's executables) run as a child process. Its
/// stdout is collected line by line, its stderr kept for failure messages. The child's stdin is a pipe held open by us: the
/// scripts exit when it closes, so even a crashed test process leaves no orphan.
/// `stop()` (also run by `deinit`) closes stdin, sends SIGTERM, then SIGKILL.
final class PythonPeer: @unchecked Sendable {
    private struct Output {
        var lines: [String] = []
        var partial = Data()
        var stderr = Data()
        var stdoutClosed = false
    }

    let name: String
    private let child: SpawnedChild
    private let stdin: FileHandle?
    /// Shared with the reader threads, which must not keep the peer itself alive.
    private let output = LockedValue(Output())
    private let stopped = LockedValue(false)

    convenience init(script: String, arguments: [String]) throws {
        try self.init(
            name: script, executable: try InteropEnvironment.python(),
            arguments: ["-u", InteropEnvironment.scriptsDirectory.appendingPathComponent(script).path] + arguments)
    }

    /// Runs `executable` (e.g. ``InteropEnvironment/builtExecutable(_:)``) with `arguments`.
    init(name: String, executable: URL, arguments: [String]) throws {
        self.name = name
        child = try SpawnedChild(
            executable: executable.path, arguments: arguments, stdin: .pipe, stdout: .pipe, stderr: .pipe)
        stdin = child.standardInput
        if let stdout = child.standardOutput { startReader(stdout, isStdout: true) }
        if let stderr = child.standardError { startReader(stderr, isStdout: false) }
    }

    deinit { stop() }

    private func startReader(_ handle: FileHandle, isStdout: Bool) {
        let thread = Thread { [output] in
            while true {
                let chunk = handle.availableData
                output.withLock { out in
                    if !isStdout {
                        out.stderr.append(chunk)
                        if out.stderr.count > 64 * 1024 { out.stderr.removeFirst(out.stderr.count - 64 * 1024) }
                        return
                    }
                    if chunk.isEmpty {
                        if !out.partial.isEmpty { out.lines.append(String(decoding: out.partial, as: UTF8.self)) }
                        out.partial.removeAll()
                        out.stdoutClosed = true
                        return
                    }
                    out.partial.append(chunk)
                    while let newline = out.partial.firstIndex(of: UInt8(ascii: "\n")) {
                        out.lines.append(String(decoding: out.partial[out.partial.startIndex..<newline], as: UTF8.self))
                        out.partial.removeSubrange(out.partial.startIndex...newline)
                    }
                }
                if chunk.isEmpty { return }
            }
        }
        thread.start()
    }

    var stdoutLines: [String] { output.withLock { $0.lines } }

    /// Writes `line` and a newline to the script's stdin (the event peers read commands there).
    func writeLine(_ line: String) throws {
        try stdin?.write(contentsOf: Data((line + "\n").utf8))
    }

    var stderrText: String { output.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

    /// Waits for the first stdout line starting with `prefix` and returns the rest of it.
    func waitForLine(prefix: String, timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (match, closed) = output.withLock { out in
                (out.lines.first { $0.hasPrefix(prefix) }, out.stdoutClosed)
            }
            if let match { return String(match.dropFirst(prefix.count)) }
            if closed { throw failure("exited before printing \(prefix.debugDescription)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw failure("printed no \(prefix.debugDescription) line within \(timeout)")
    }

    /// Waits for the process to exit on its own and for its stdout to be fully read.
    func waitForExit(timeout: Duration) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !child.isRunning && output.withLock({ $0.stdoutClosed }) { return child.waitForExit() }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw failure("still running after \(timeout); killed")
    }

    /// Sends `signal` (SIGINT as Ctrl-C would, SIGKILL to crash it) to the child.
    func send(signal: Int32) {
        child.signal(signal)
    }

    func failure(_ what: String) -> InteropSetupError {
        InteropSetupError(
            "\(name) \(what).\nstdout:\n\(stdoutLines.joined(separator: "\n"))\nstderr (tail):\n\(String(stderrText.suffix(4000)))"
        )
    }

    /// Ends the child in every case: stdin closed, SIGTERM, SIGKILL after 3 s. Returns at
    /// once; the wait for the child runs on a thread of its own, as this is called from
    /// tasks and `deinit`, and must not hold a cooperative-pool thread while a loaded
    /// machine takes its time to end a Python process.
    func stop() {
        let alreadyStopped = stopped.withLock { stopped in
            defer { stopped = true }
            return stopped
        }
        if alreadyStopped { return }
        try? stdin?.close()
        let child = self.child
        child.signal(SIGTERM)
        Thread {
            let deadline = ContinuousClock.now + .seconds(3)
            while child.isRunning {
                guard ContinuousClock.now < deadline else {
                    child.signal(SIGKILL)
                    _ = child.waitForExit()
                    return
                }
                usleep(10_000)
            }
        }.start()
    }
}

/// Runs `body` with a stock Python zerorpc server (`server.py`) listening on loopback.
/// The server is stopped on every path out, including failures.
func withPythonServer<T>(
    heartbeat: Duration,
    _ body: (_ endpoint: String, _ server: PythonPeer) async throws -> T
) async throws -> T {
    let server = try PythonPeer(
        script: "server.py",
        arguments: ["tcp://127.0.0.1:*", "--heartbeat", heartbeat.secondsText, "--name", InteropFixture.serverName]
    )
    defer { server.stop() }
    let endpoint = try await server.waitForLine(prefix: "READY ")
    return try await body(endpoint, server)
}

extension Duration {
    /// "1.0", "0.5": the form the Python scripts take for --heartbeat.
    var secondsText: String {
        let (seconds, attoseconds) = components
        return String(Double(seconds) + Double(attoseconds) / 1e18)
    }
}
