// A helper executable of this package run as a child of a test, its stdout read line by
// line on a thread of its own.
import Foundation

/// An executable of this package running as a child; its stdout is read as lines.
public final class ChildProcess: Sendable {
    private let child: SpawnedChild
    private let input: FileHandle
    private let lines: AsyncStream<String>

    /// Starts `name`, which SwiftPM built next to the test bundle, with `arguments`.
    public init(executable name: String, arguments: [String] = []) throws {
        var environment = ProcessInfo.processInfo.environment
        // Leaks are checked in the test process, not in a child that exits mid-teardown.
        environment["ASAN_OPTIONS"] = (environment["ASAN_OPTIONS"].map { $0 + ":" } ?? "") + "detect_leaks=0"
        let child = try SpawnedChild(
            executable: try Self.executable(name).path, arguments: arguments, environment: environment, stdin: .pipe,
            stdout: .pipe)
        guard let input = child.standardInput, let handle = child.standardOutput else {
            throw SetupError("\(name): no pipes to the child")
        }
        let (lines, continuation) = AsyncStream<String>.makeStream()
        Thread {
            var bytes: [UInt8] = []
            while let byte = handle.readData(ofLength: 1).first {
                if byte == UInt8(ascii: "\n") {
                    continuation.yield(String(decoding: bytes, as: UTF8.self))
                    bytes.removeAll()
                } else {
                    bytes.append(byte)
                }
            }
            continuation.finish()
        }.start()
        self.child = child
        self.input = input
        self.lines = lines
    }

    /// The next line that starts with `prefix` (earlier lines are skipped); nil when the
    /// child's stdout closed first.
    public func line(startingWith prefix: String) async throws -> String? {
        for await line in lines where line.hasPrefix(prefix) { return line }
        return nil
    }

    /// Writes `text` and a newline to the child's stdin.
    public func writeLine(_ text: String) {
        try? input.write(contentsOf: Data((text + "\n").utf8))
    }

    /// Sends `signal` to the child.
    public func signal(_ signal: Int32) {
        child.signal(signal)
    }

    /// Waits for the child to exit and returns its exit status.
    public func exitStatus() async -> Int32 {
        await child.exitStatus()
    }

    /// Whether the child still runs.
    public var isRunning: Bool { child.isRunning }

    /// Closes the child's stdin, which every helper here takes as "exit now".
    public func closeInput() {
        try? input.close()
    }

    /// Ends the child if it still runs (a failed test).
    public func kill() {
        try? input.close()
        child.signal(SIGTERM)
    }

    /// The child could not be started or did not say it was ready.
    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// The executable SwiftPM built next to the test bundle.
    private static func executable(_ name: String) throws -> URL {
        var directories: [URL] = []
        if let bundle = Bundle.main.executableURL { directories.append(bundle.deletingLastPathComponent()) }
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for directory in directories {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw SetupError("\(name) not found next to the tests; run `swift build --build-tests` first")
    }
}
