import Dispatch
import ZeroRPC

/// Owns one ``SQLiteConnection`` and runs every use of it on a serial dispatch queue of
/// its own, so blocking SQLite calls (disk I/O, `busy_timeout` waits) never occupy a
/// thread of Swift's cooperative pool.
final class SQLiteWorker: Sendable {
    private enum State {
        case open(SQLiteConnection)
        case closed
    }

    private let queue: DispatchQueue
    /// Touched only on `queue`; the lock is never contended and makes the hand-off of the
    /// non-Sendable connection explicit to the compiler.
    private let state: LockedValue<State>

    /// Opens the database on a new queue.
    init(path: String, busyTimeout: Duration, label: String) async throws {
        let queue = DispatchQueue(label: label)
        let connection: Result<SQLiteConnection, any Error> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { try SQLiteConnection(path: path, busyTimeout: busyTimeout) })
            }
        }
        self.queue = queue
        state = LockedValue(.open(try connection.get()))
    }

    /// Runs `body` with the connection on the worker's queue.
    func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(
                    with: Result {
                        try self.state.withLock { state throws -> T in
                            guard case .open(let connection) = state else { throw ResultStoreError.closed }
                            return try body(connection)
                        }
                    })
            }
        }
    }

    /// Finalizes the statements and closes the database, after the work already queued.
    func close() async {
        await withCheckedContinuation { continuation in
            queue.async {
                self.state.withLock { state in
                    if case .open(let connection) = state { connection.close() }
                    state = .closed
                }
                continuation.resume()
            }
        }
    }
}
