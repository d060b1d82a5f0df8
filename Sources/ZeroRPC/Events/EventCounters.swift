import Synchronization

/// The counters behind ``EventReceiverStatistics``, bumped by the receiver's I/O thread
/// and its handler tasks. They wrap rather than trap (a long-lived process may pass 2^64
/// one day; a peer must never be able to crash us through a counter).
final class EventCounters: Sendable {
    private let received = Atomic<UInt64>(0)
    private let handled = Atomic<UInt64>(0)
    private let badEvents = Atomic<UInt64>(0)
    private let handlerErrors = Atomic<UInt64>(0)

    func countReceived(_ count: Int) { received.wrappingAdd(UInt64(count), ordering: .relaxed) }
    func countHandled() { handled.wrappingAdd(1, ordering: .relaxed) }
    func countBadEvent() { badEvents.wrappingAdd(1, ordering: .relaxed) }
    func countHandlerError() { handlerErrors.wrappingAdd(1, ordering: .relaxed) }

    var snapshot: EventReceiverStatistics {
        EventReceiverStatistics(
            received: received.load(ordering: .relaxed), handled: handled.load(ordering: .relaxed),
            badEvents: badEvents.load(ordering: .relaxed), handlerErrors: handlerErrors.load(ordering: .relaxed))
    }
}
