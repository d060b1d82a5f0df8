import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// `zerorpc-deferred-test-server` (Tests/DeferredTestServer) running in a child process
/// on a SQLite or PostgreSQL result store; it ends when `stop()` closes its stdin, or at
/// once with `kill()`.
final class DeferredServerProcess: Sendable {
    let endpoint: String
    private let child: ChildProcess

    convenience init(store path: String, id: String, bind endpoint: String) async throws {
        try await self.init(arguments: ["--store", path, "--id", id, "--bind", endpoint])
    }

    /// A server on the PostgreSQL database at `url`, tables in `schema`, whose leases last
    /// `lease`.
    convenience init(
        postgres url: String, schema: String, lease: Duration, id: String, bind endpoint: String
    ) async throws {
        let milliseconds = lease.components.seconds * 1000 + lease.components.attoseconds / 1_000_000_000_000_000
        try await self.init(arguments: [
            "--postgres", url, "--schema", schema, "--lease-ms", "\(milliseconds)", "--id", id, "--bind", endpoint,
        ])
    }

    private init(arguments: [String]) async throws {
        // The child exits right after closing its store, while the store's maintenance
        // task is still unwinding; LeakSanitizer would report that task's weak-reference
        // side table. `ChildProcess` checks leaks in this process only.
        let child = try ChildProcess(executable: "zerorpc-deferred-test-server", arguments: arguments)
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

    /// Kills the child with SIGKILL (nothing it runs gets to clean up) and waits for it.
    func kill() async {
        child.signal(SIGKILL)
        _ = await child.exitStatus()
        child.closeInput()
    }
}
