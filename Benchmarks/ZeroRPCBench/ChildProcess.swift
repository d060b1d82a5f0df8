import Foundation

/// A helper process the benchmark starts: a server that announces `READY <endpoint>`,
/// or a baseline client that prints one JSON line. It is killed when dropped, so a
/// failed run never leaves servers behind.
final class ChildProcess {
    let process = Process()
    private let output = Pipe()
    private let input = Pipe()
    private var buffered = Data()

    init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        process.standardInput = input  // servers exit when this pipe closes
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        try process.run()
    }

    deinit {
        stop()
    }

    /// Reads stdout until a line starting with `prefix` arrives; returns the rest of it.
    func waitForLine(startingWith prefix: String, timeout: Duration = .seconds(30)) throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[buffered.startIndex..<newline], as: UTF8.self)
                buffered.removeSubrange(buffered.startIndex...newline)
                if line.hasPrefix(prefix) { return String(line.dropFirst(prefix.count)) }
                continue
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty {
                throw BenchmarkError.childFailed(
                    "\(process.executableURL?.lastPathComponent ?? "child") ended before printing \(prefix)")
            }
            buffered.append(chunk)
        }
        throw BenchmarkError.childFailed("no \(prefix) line within \(timeout)")
    }

    /// Closes stdin, reads the whole of stdout and waits for the process to exit.
    func finish() throws -> String {
        try? input.fileHandleForWriting.close()
        let rest = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkError.childFailed(
                "\(process.executableURL?.lastPathComponent ?? "child") exited with \(process.terminationStatus)")
        }
        return String(decoding: buffered + rest, as: UTF8.self)
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

enum BenchmarkError: Error, CustomStringConvertible {
    case childFailed(String)
    case missing(String)
    case wrongResult(String)

    var description: String {
        switch self {
        case .childFailed(let message): "child process: \(message)"
        case .missing(let message): "missing: \(message)"
        case .wrongResult(let message): "wrong result: \(message)"
        }
    }
}
