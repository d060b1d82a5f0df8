#if canImport(Glibc)
    import CZeroMQ
#endif

/// Gives the memory of dead peers back to the system: `malloc_trim(0)` a moment after the
/// server reaped channels or send queues of peers that vanished, at most once every
/// `minimumInterval`, on a background task.
///
/// Why: what those peers cost (handler tasks and their stream buffers, queued replies,
/// large requests) is freed on the threads that allocated it, and glibc keeps freed
/// memory in each thread's arena instead of returning it. A hostile run (`make hostile`:
/// 500 abandoned streams, a greedy stream, 1 MiB tokens) left the server 12.4-14.6 MiB
/// above its baseline after reaping without the trim and 1.2-4.4 MiB with it
/// (docs/SECURITY.md, "Hostile input"): the memory was free, only not returned.
///
/// Why so rarely, and not on the I/O thread: a trim walks every arena and its cost grows
/// with the heap — 3 ms on a 16 MiB heap, 8-47 ms on 100 MiB, 33-146 ms on 500 MiB
/// (measured on the shared build machine with glibc 2.36) — and it holds each arena's
/// lock while it walks it. On the I/O thread that would stall every call; every five
/// seconds at most, on a background task, it costs a busy server with peers dying all
/// the time about 3 % of one core at worst. Elsewhere than glibc it does nothing.
struct ServerMemoryTrim {
    /// Trims are at least this far apart, however often peers die.
    static let minimumInterval: Duration = .seconds(5)

    /// When the next trim is due, as an offset since `ClockOffset.origin`; nil while
    /// nothing was reaped since the last one. Offsets, not instants: the loop reads
    /// `due` every turn, and a resilient `ContinuousClock.Instant?` is copied and
    /// destroyed through value witnesses (~90 instructions a turn).
    private(set) var dueOffset: Duration?
    private var lastOffset: Duration?

    /// When the next trim is due; nil while nothing was reaped since the last one.
    var due: ContinuousClock.Instant? { dueOffset.map(ClockOffset.instant) }

    /// Channels or queues of lost peers were dropped at `now`. The trim waits `settle`
    /// (their cancelled handlers end and free their memory meanwhile) and for the
    /// interval since the last trim. A trim already due stays due: peers dying one
    /// after another do not postpone it forever.
    mutating func peersReaped(now: ContinuousClock.Instant, settle: Duration) {
        guard dueOffset == nil else { return }
        var offset = ClockOffset.of(now) + settle
        if let lastOffset { offset = max(offset, lastOffset + Self.minimumInterval) }
        dueOffset = offset
    }

    /// Starts a trim when one is due; returns whether it did.
    @discardableResult
    mutating func trimIfDue(now: ContinuousClock.Instant) -> Bool {
        let nowOffset = ClockOffset.of(now)
        guard let dueOffset, nowOffset >= dueOffset else { return false }
        self.dueOffset = nil
        lastOffset = nowOffset
        #if canImport(Glibc)
            Task.detached(priority: .background) { _ = malloc_trim(0) }
        #endif
        return true
    }
}
