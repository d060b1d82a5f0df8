/// Handles the events of every ``Publisher`` it is connected to: zerorpc's
/// `Subscriber`, a SUB socket subscribed to everything.
///
/// ```swift
/// let subscriber = Subscriber()
/// try subscriber.register(PriceBoard())          // a generated Service implementation
/// try subscriber.connect("tcp://prices:4243")
/// ```
///
/// A subscriber sees only what is published after its subscription reached the
/// publisher (ZeroMQ's "slow joiner"), and loses events when it falls behind by more
/// than the high-water marks: PUB/SUB drops rather than waits. See docs/EVENTS.md.
public final class Subscriber: EventReceiverEndpoint, @unchecked Sendable {
    // @unchecked restated from the base class, as Swift requires; no stored properties here.
    /// A subscriber with no endpoint yet. Register handlers first, then ``EventReceiverEndpoint/bind(_:)`` or
    /// ``EventReceiverEndpoint/connect(_:)``: events that arrive before their handler is registered are dropped
    /// as bad events.
    public init(options: EventReceiverOptions = .init()) {
        super.init(.sub, options: options)
    }
}
