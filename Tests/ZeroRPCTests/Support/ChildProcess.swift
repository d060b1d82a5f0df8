import Foundation

/// A test executable (built by SwiftPM next to the test bundle) run as a child process
/// with pipes for its standard input and output; it ends when `stop()` closes its input.
final class ChildProcess: Sendable {
    private let process: Process
    private let input: Pipe
    private let output: Pipe

    private init(process: Process, input: Pipe, output: Pipe) {
        self.process = process
        self.input = input
        self.output = output
    }

    static func start(_ name: String, _ arguments: [String]) throws -> ChildProcess {
        let process = Process()
        process.executableURL = try executable(named: name)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        // Leaks are checked in the test process, not in short-lived children.
        environment["ASAN_OPTIONS"] = (environment["ASAN_OPTIONS"].map { $0 + ":" } ?? "") + "detect_leaks=0"
        process.environment = environment
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        return ChildProcess(process: process, input: input, output: output)
    }

    var isRunning: Bool { process.isRunning }

    /// The next line the child prints, nil at end of output.
    func firstLine() async -> String? {
        await Self.firstLine(of: output.fileHandleForReading)
    }

    /// Closes the child's standard input (it exits) without waiting.
    func stop() {
        try? input.fileHandleForWriting.close()
    }

    struct SetupError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// The executable SwiftPM built next to the test bundle.
    static func executable(named name: String) throws -> URL {
        var directories: [URL] = []
        if let bundle = Bundle.main.executableURL { directories.append(bundle.deletingLastPathComponent()) }
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for directory in directories {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw SetupError(message: "\(name) not found next to the tests; run `swift build --build-tests` first")
    }

    /// The first line `handle` yields, read on a thread of its own.
    static func firstLine(of handle: FileHandle) async -> String? {
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
