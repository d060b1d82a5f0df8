import CZeroMQ

#if canImport(Glibc)
    import Glibc
#endif

/// The descriptor that wakes an I/O thread sleeping in its poll.
///
/// Linux `eventfd`; this file is the only place that knows it, so a macOS port swaps in a
/// pipe here. Any thread may `signal()`; only the I/O thread polls and `drain()`s it.
struct WakeUpSignal: Sendable {
    /// The descriptor to put in the poll set (readable after `signal()`).
    let fileDescriptor: Int32

    init() throws(TransportError) {
        let fd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard fd >= 0 else { throw TransportError(operation: "eventfd", code: errno) }
        fileDescriptor = fd
    }

    /// Makes the descriptor readable; safe from any thread.
    func signal() {
        var one: UInt64 = 1
        while write(fileDescriptor, &one, MemoryLayout<UInt64>.size) < 0 && errno == EINTR {}
    }

    /// Resets the descriptor after it was seen readable.
    func drain() {
        var value: UInt64 = 0
        while read(fileDescriptor, &value, MemoryLayout<UInt64>.size) < 0 && errno == EINTR {}
    }

    /// Releases the descriptor; call once, when no thread can signal or poll it any more.
    func release() {
        _ = close(fileDescriptor)
    }
}
