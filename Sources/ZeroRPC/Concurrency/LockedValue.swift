#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value guarded by a pthread mutex, with the same `withLock` shape as
/// `Synchronization.Mutex`.
///
/// We use it instead of `Mutex` because ThreadSanitizer cannot see how Linux's `Mutex`
/// hands the lock between threads (its futex path is not instrumented) and reports
/// races inside every contended `withLock`, which would bury real ones. TSan
/// intercepts `pthread_mutex_lock`, so races it reports here are real.
/// See docs/ARCHITECTURE.md, "Locks".
package final class LockedValue<Value: ~Copyable>: @unchecked Sendable {
    // @unchecked: every access to `value` happens between lock and unlock of `mutex`.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    // No dynamic exclusivity check: the mutex already makes every access exclusive, and
    // the check (a thread-local access set, ~150 instructions) cost more than the lock.
    @exclusivity(unchecked) private var value: Value

    package init(_ value: consuming sending Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    package func withLock<Result: ~Copyable, Failure: Error>(
        _ body: (inout sending Value) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
