/// Notices when the tasks an I/O thread runs (those preferring its executor) held it so
/// long that its sockets, heartbeats and timers waited, and says so in the log, at most
/// once every ten seconds. The thread cannot be taken back from a task that blocks; this
/// tells the developer which setting to change before peers start timing out.
struct IOThreadStallMonitor {
    /// A turn's tasks holding the thread longer than this get a warning: a tenth of the
    /// heartbeat interval, so the warning comes long before a peer gives up (two intervals).
    let threshold: Duration
    private var lastWarning: ContinuousClock.Instant?
    private static let quietPeriod: Duration = .seconds(10)

    init(heartbeatInterval: Duration) {
        threshold = heartbeatInterval / 10
    }

    /// The turn's tasks held the thread for `held` (the loop's own command handling not
    /// counted); returns it when that deserves a warning now.
    mutating func check(held: Duration, now: ContinuousClock.Instant) -> Duration? {
        guard held > threshold else { return nil }
        if let lastWarning, lastWarning.duration(to: now) < Self.quietPeriod { return nil }
        lastWarning = now
        return held
    }
}
