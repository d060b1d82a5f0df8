import Foundation

/// Runs blocking work (a `zmq_poll`, a socket close that lingers) on a thread of its own
/// and awaits its result, so it never holds one of the cooperative pool's threads: two on
/// a 2-core machine, shared by every test running at the time.
func onOwnThread<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    let outcome: Result<Value, any Error> = await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: Result { try body() }) }.start()
    }
    return try outcome.get()
}
