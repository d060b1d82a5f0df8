import Foundation

/// A value behind an `NSLock`. Used instead of `Synchronization.Mutex` in this target:
/// on Linux `Mutex` locks with raw futex calls that ThreadSanitizer cannot see, so
/// `swift test --sanitize=thread` reported races on correctly locked state.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
