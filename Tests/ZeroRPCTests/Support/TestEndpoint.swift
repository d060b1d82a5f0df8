import Foundation
import Synchronization
import Testing

/// The transports every end-to-end test runs over.
enum TestTransport: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inproc, ipc, tcp

    var testDescription: String { rawValue }

    private static let counter = Atomic<Int>(0)

    /// An endpoint to bind: a fresh inproc name, a socket under a temp dir, or port 0.
    func bindEndpoint() -> String {
        let number = Self.counter.add(1, ordering: .relaxed).newValue
        switch self {
        case .inproc:
            return "inproc://zerorpc-test-\(ProcessInfo.processInfo.processIdentifier)-\(number)"
        case .ipc:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "zerorpc-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return "ipc://\(directory.path)/s\(number).sock"
        case .tcp:
            return "tcp://127.0.0.1:0"
        }
    }
}
