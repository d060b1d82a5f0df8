import Foundation
import ZeroRPC

/// Runs the `zerorpc` executable the way a user's shell would, and the ops test server
/// (Tests/OpsTestServer) it talks to.
enum CommandLineTool {
    struct Run {
        var status: Int32
        var stdout: [String]
        var stderr: String
    }

    /// Runs `zerorpc ARGUMENTS` to its end.
    static func run(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> Run {
        let child = try start(arguments)
        defer { child.stop() }
        let status = try await child.waitForExit(timeout: timeout)
        return Run(status: status, stdout: child.stdoutLines, stderr: child.stderrText)
    }

    /// Starts `zerorpc ARGUMENTS` and returns at once, for streams the test interrupts.
    static func start(_ arguments: [String]) throws -> PythonPeer {
        try PythonPeer(
            name: "zerorpc " + arguments.joined(separator: " "),
            executable: try InteropEnvironment.builtExecutable("zerorpc"), arguments: arguments)
    }

    /// An ops test server bound to a free loopback port; its endpoint once it is ready.
    static func opsServer(
        id: String, arguments: [String] = ["--bind", "tcp://127.0.0.1:0"]
    ) async throws -> (
        PythonPeer, String
    ) {
        let server = try PythonPeer(
            name: "ops server \(id)", executable: try InteropEnvironment.builtExecutable("zerorpc-ops-test-server"),
            arguments: ["--id", id] + arguments)
        let endpoint = try await server.waitForLine(prefix: "READY ")
        return (server, endpoint)
    }
}

extension PythonPeer {
    /// Waits until the child has printed at least `count` stdout lines.
    func waitForLines(_ count: Int, timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while stdoutLines.count < count {
            guard ContinuousClock.now < deadline else { throw failure("printed fewer than \(count) lines") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
