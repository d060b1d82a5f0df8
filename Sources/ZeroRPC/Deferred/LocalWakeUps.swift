/// Wake-ups for tasks waiting on a shared store: a completion in this process signals
/// its token's waiters at once; what other processes wrote reaches them through the
/// store (the SQLite store's poll tick signals all waiters to re-read the file, the
/// PostgreSQL store signals a token's waiters when a `NOTIFY` says it finished).
///
/// A waiter registers before it reads, so a signal between its read and its suspension
/// is not lost; each continuation is resumed exactly once, by whoever removes it.
package final class LocalWakeUps: Sendable {
    private struct Slot {
        var continuation: CheckedContinuation<Void, Never>?
        var isSignaled = false
    }

    private struct Slots {
        var byToken: [DeferredToken: [UInt64: Slot]] = [:]
        var lastID: UInt64 = 0
    }

    private let slots = LockedValue(Slots())

    package init() {}

    /// A ticket to wait on for `token`'s next signal.
    package func register(_ token: DeferredToken) -> UInt64 {
        slots.withLock { slots in
            slots.lastID &+= 1
            slots.byToken[token, default: [:]][slots.lastID] = Slot()
            return slots.lastID
        }
    }

    /// Suspends until the ticket is signaled or the task is cancelled, then forgets it.
    package func wait(_ ticket: UInt64, for token: DeferredToken) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = slots.withLock { slots in
                    guard let slot = slots.byToken[token]?[ticket] else { return true }
                    if slot.isSignaled || Task.isCancelled {
                        Self.remove(ticket, for: token, from: &slots)
                        return true
                    }
                    slots.byToken[token]?[ticket]?.continuation = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            signal(ticket, for: token)
        }
    }

    /// Forgets a ticket that will not be waited on.
    package func cancel(_ ticket: UInt64, for token: DeferredToken) {
        slots.withLock { Self.remove(ticket, for: token, from: &$0) }
    }

    /// Wakes every waiter of `token`.
    package func signal(_ token: DeferredToken) {
        let continuations = slots.withLock { slots in
            let tickets = slots.byToken[token].map { Array($0.keys) } ?? []
            return tickets.compactMap { Self.markSignaled($0, for: token, in: &slots) }
        }
        for continuation in continuations { continuation.resume() }
    }

    /// Wakes every waiter of every token.
    package func signalAll() {
        let continuations = slots.withLock { slots in
            let tickets = slots.byToken.flatMap { token, tickets in tickets.keys.map { (token, $0) } }
            return tickets.compactMap { Self.markSignaled($1, for: $0, in: &slots) }
        }
        for continuation in continuations { continuation.resume() }
    }

    /// How many tickets are outstanding for `token`.
    package func count(for token: DeferredToken) -> Int {
        slots.withLock { $0.byToken[token]?.count ?? 0 }
    }

    package var isEmpty: Bool {
        slots.withLock { $0.byToken.isEmpty }
    }

    /// Wakes the one waiter holding `ticket` (a timer of its own, say).
    package func signal(_ ticket: UInt64, for token: DeferredToken) {
        let continuation = slots.withLock { Self.markSignaled(ticket, for: token, in: &$0) }
        continuation?.resume()
    }

    /// Marks a ticket signaled; returns its continuation, removing the ticket, when a
    /// task is suspended on it.
    private static func markSignaled(
        _ ticket: UInt64, for token: DeferredToken, in slots: inout Slots
    ) -> CheckedContinuation<Void, Never>? {
        guard let slot = slots.byToken[token]?[ticket] else { return nil }
        guard let continuation = slot.continuation else {
            slots.byToken[token]?[ticket]?.isSignaled = true
            return nil
        }
        remove(ticket, for: token, from: &slots)
        return continuation
    }

    private static func remove(_ ticket: UInt64, for token: DeferredToken, from slots: inout Slots) {
        slots.byToken[token]?[ticket] = nil
        if slots.byToken[token]?.isEmpty == true { slots.byToken[token] = nil }
    }
}
