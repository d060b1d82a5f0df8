import Foundation
import Testing

@testable import ZeroRPC

/// `zerorpc-deferred-test-server` (Tests/DeferredTestServer) running in a child process
/// on a SQLite or PostgreSQL result store; it ends when `stop()` closes its stdin, or at
/// once with `kill()`.
final class DeferredServerProcess: Sendable {
    let endpoint: String
    private let process: Process
    private let input: Pipe

    convenience init(store path: String, id: String, bind endpoint: String) async throws {
        try await self.init(arguments: ["--store", path, "--id", id, "--bind", endpoint])
    }

    /// A server on the PostgreSQL database at `url`, tables in `schema`, whose leases last
    /// `lease`.
    convenience init(
        postgres url: String, schema: String, lease: Duration, id: String, bind endpoint: String
    )
        async throws
    {
        let milliseconds = lease.components.seconds * 1000 + lease.components.attoseconds / 1_000_000_000_000_000
        try await self.init(arguments: [
            "--postgres", url, "--schema", schema, "--lease-ms", "\(milliseconds)", "--id", id, "--bind", endpoint,
        ])
    }

    private init(arguments: [String]) async throws {
        let process = Process()
        process.executableURL = try Self.executable()
        process.arguments = arguments
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
        let line = await Self.firstLine(of: output.fileHandleForReading)
        guard let line, line.hasPrefix("READY ") else {
            process.terminate()
            throw SetupError(message: "the test server did not start: \(line ?? "no output")")
        }
        self.endpoint = String(line.dropFirst("READY ".count))
    }

    /// Closes the child's stdin and waits for it to exit.
    func stop() async {
        try? input.fileHandleForWriting.close()
        await waitForExit()
    }

    /// Kills the child with SIGKILL (nothing it runs gets to clean up) and waits for it.
    func kill() async {
        _ = Foundation.kill(process.processIdentifier, SIGKILL)
        await waitForExit()
        try? input.fileHandleForWriting.close()
    }

    private func waitForExit() async {
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

    /// The executable SwiftPM built next to the test bundle.
    private static func executable() throws -> URL {
        let name = "zerorpc-deferred-test-server"
        var directories: [URL] = []
        if let bundle = Bundle.main.executableURL { directories.append(bundle.deletingLastPathComponent()) }
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for directory in directories {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw SetupError(message: "\(name) not found next to the tests; run `swift build --build-tests` first")
    }

    /// The first line the child prints, read on a thread of its own.
    private static func firstLine(of handle: FileHandle) async -> String? {
        await withCheckedContinuation { continuation in
            Thread {
                var bytes: [UInt8] = []
                while true {
                    let chunk = handle.readData(ofLength: 1)
                    guard let byte = chunk.first else { break }
                    if byte == UInt8(ascii: "\n") { break }
                    bytes.append(byte)
                }
                continuation.resume(returning: bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self))
            }.start()
        }
    }
}
