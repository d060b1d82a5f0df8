import Foundation
import Testing

@testable import ZeroRPC

/// `zerorpc-deferred-test-server` (Tests/DeferredTestServer) running in a child process
/// on a SQLite result store; it ends when `stop()` closes its stdin.
final class DeferredServerProcess: Sendable {
    let endpoint: String
    private let process: Process
    private let input: Pipe

    init(store path: String, id: String, bind endpoint: String) async throws {
        let process = Process()
        process.executableURL = try ChildProcess.executable(named: "zerorpc-deferred-test-server")
        process.arguments = ["--store", path, "--id", id, "--bind", endpoint]
        // The child exits right after closing its SQLite store, while the store's
        // maintenance task is still unwinding; LeakSanitizer would report that task's
        // weak-reference side table. Leaks are checked in this process, not in the child.
        var environment = ProcessInfo.processInfo.environment
        environment["ASAN_OPTIONS"] = (environment["ASAN_OPTIONS"].map { $0 + ":" } ?? "") + "detect_leaks=0"
        process.environment = environment
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        self.process = process
        self.input = input
        let line = await ChildProcess.firstLine(of: output.fileHandleForReading)
        guard let line, line.hasPrefix("READY ") else {
            process.terminate()
            throw SetupError(message: "the test server did not start: \(line ?? "no output")")
        }
        self.endpoint = String(line.dropFirst("READY ".count))
    }

    /// Closes the child's stdin and waits for it to exit.
    func stop() async {
        try? input.fileHandleForWriting.close()
        let process = self.process
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                process.waitUntilExit()
                continuation.resume()
            }.start()
        }
    }

    struct SetupError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
