/// The idempotency keys one server has put into its result store and that may still be
/// held there, counted against ``ServerOptions/maximumIdempotencyKeys``.
///
/// A key is held from the call's reservation until its entry is acknowledged through
/// this server or, at the latest, until the entry's time to live after completion has
/// run out (the store may expire it then). An entry acknowledged through another server
/// sharing the store counts here until that time: the count errs on the safe side.
///
/// Past the limit a new key is refused (`ERR ServerBusy`) rather than an old one evicted:
/// eviction would silently let a resent request run a second time, the one thing an
/// idempotency key promises not to do (docs/DEFERRED.md, "Idempotent requests"). A key
/// already held is always let through, so a resend still finds its token at the limit.
struct HeldIdempotencyKeys {
    private enum Release {
        case whenFinished
        case at(ContinuousClock.Instant)
    }

    private struct Hold {
        /// The entry holding the key; nil while the store is being asked.
        var token: DeferredToken?
        var release: Release
    }

    /// What ``admit(_:now:)`` decided.
    enum Admission {
        /// Counted now: report ``created(_:key:)`` or ``forget(_:)`` once the store answered.
        case admitted
        /// Already held here (a resend): nothing new is counted.
        case alreadyHeld
        /// The limit is reached.
        case refused
    }

    let limit: Int
    /// By scoped key.
    private var holds: [String: Hold] = [:]
    private var keys: [DeferredToken: String] = [:]
    /// No held key is due for release before this; nil when none has a release time.
    private var earliestRelease: ContinuousClock.Instant?

    init(limit: Int) {
        self.limit = max(limit, 0)
    }

    var count: Int { holds.count }

    mutating func admit(_ key: String, now: ContinuousClock.Instant) -> Admission {
        if holds[key] != nil { return .alreadyHeld }
        if holds.count >= limit { releaseDue(now: now) }
        guard holds.count < limit else { return .refused }
        holds[key] = Hold(token: nil, release: .whenFinished)
        return .admitted
    }

    /// The store made a new entry for `key` under `token`.
    mutating func created(_ token: DeferredToken, key: String) {
        if let previous = holds[key]?.token { keys[previous] = nil }
        holds[key] = Hold(token: token, release: .whenFinished)
        keys[token] = key
    }

    /// An admitted key the store did not take from this server (it failed, or another
    /// server holds the key): not counted here.
    mutating func forget(_ key: String) {
        guard let hold = holds[key], hold.token == nil else { return }
        holds[key] = nil
    }

    /// `token`'s call finished: its key is held until `releaseAt` at the latest.
    mutating func finished(_ token: DeferredToken, releaseAt: ContinuousClock.Instant) {
        guard let key = keys[token], holds[key]?.token == token else { return }
        holds[key]?.release = .at(releaseAt)
        earliestRelease = min(earliestRelease ?? releaseAt, releaseAt)
    }

    /// `token`'s entry is gone (acknowledged): its key is no longer held.
    mutating func release(_ token: DeferredToken) {
        guard let key = keys.removeValue(forKey: token), holds[key]?.token == token else { return }
        holds[key] = nil
    }

    /// Drops every key due by `now`. Runs only at the limit and only when a release is
    /// due, so a server held at its limit by unfinished calls pays nothing per refusal.
    private mutating func releaseDue(now: ContinuousClock.Instant) {
        guard let earliest = earliestRelease, earliest <= now else { return }
        var next: ContinuousClock.Instant?
        for (key, hold) in holds {
            guard case .at(let instant) = hold.release else { continue }
            if instant <= now {
                holds[key] = nil
                if let token = hold.token { keys[token] = nil }
            } else {
                next = min(next ?? instant, instant)
            }
        }
        earliestRelease = next
    }
}
