#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The lock an I/O loop's leader holds while it takes a turn — everything but its poll's
/// sleep and the jobs it runs — so another thread may use the loop's sockets in between:
/// a client's caller sends its request itself instead of waking the I/O thread.
///
/// A pthread mutex (ThreadSanitizer sees its hand-offs, see `LockedValue`), and a full
/// memory barrier, which ZeroMQ requires when a socket changes threads. Lock and unlock
/// are separate calls because the leader releases it in the middle of a turn.
final class TurnLock: @unchecked Sendable {
    // @unchecked: the mutex is the synchronisation; it is never moved after init.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }

    func unlock() { pthread_mutex_unlock(mutex) }

    /// Takes the lock only when it is free at once (the leader sleeps or runs a job).
    func tryLock() -> Bool { pthread_mutex_trylock(mutex) == 0 }
}
