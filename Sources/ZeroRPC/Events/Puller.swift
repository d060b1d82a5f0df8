/// Handles its share of the events of the ``Pusher``s it is connected to:
/// zerorpc's `Puller`, a PULL socket. Each pushed event goes to exactly one puller.
///
/// ```swift
/// let worker = Puller(options: .init(maximumConcurrentHandlers: 8))
/// try worker.register(Resizer())                 // a generated Service implementation
/// try worker.connect("tcp://jobs:4244")
/// ```
///
/// Up to `maximumConcurrentHandlers` events are in hand at once; past that the socket is
/// not read and the pusher's sends wait (back-pressure). See docs/EVENTS.md.
public final class Puller: EventReceiverEndpoint, @unchecked Sendable {
    // @unchecked restated from the base class, as Swift requires; no stored properties here.
    /// A puller with no endpoint yet. Register handlers first, then ``EventReceiverEndpoint/bind(_:)`` or
    /// ``EventReceiverEndpoint/connect(_:)``: events that arrive before their handler is registered are dropped
    /// as bad events.
    public init(options: EventReceiverOptions = .init()) {
        super.init(.pull, options: options)
    }
}
