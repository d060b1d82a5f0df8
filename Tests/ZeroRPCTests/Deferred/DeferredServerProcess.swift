import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// `zerorpc-deferred-test-server` (Tests/DeferredTestServer) running in a child process
/// on a SQLite result store; it ends when `stop()` closes its stdin.
final class DeferredServerProcess: Sendable {
    let endpoint: String
    private let child: ChildProcess

    init(store path: String, id: String, bind endpoint: String) async throws {
        // The child exits right after closing its SQLite store, while the store's
        // maintenance task is still unwinding; LeakSanitizer would report that task's
        // weak-reference side table. `ChildProcess` checks leaks in this process only.
        let child = try ChildProcess(
            executable: "zerorpc-deferred-test-server", arguments: ["--store", path, "--id", id, "--bind", endpoint])
        guard let line = try await child.line(startingWith: "READY ") else {
            child.kill()
            throw ChildProcess.SetupError("the test server did not start")
        }
        self.child = child
        self.endpoint = String(line.dropFirst("READY ".count))
    }

    /// Closes the child's stdin and waits for it to exit.
    func stop() async {
        child.closeInput()
        _ = await child.exitStatus()
    }
}
