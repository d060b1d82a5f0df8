// A hook for events inside a call that interceptors cannot see, so a metrics
// interceptor can count them: a task-local read where they happen, nil unless set.
/// Receives events of the call an interceptor wraps. Its methods run in the handler's
/// task on every event: keep them cheap and non-blocking.
public protocol CallEventObserver: Sendable {
    /// A stream or generator handler sent one item (`STREAM`).
    func streamItemSent()
}

/// Where the runtime looks for the ``CallEventObserver`` of the current call.
///
/// ```swift
/// try await CallEvents.$observer.withValue(myObserver) { try await next(context) }
/// ```
public enum CallEvents {
    /// The observer of the call running in this task; nil (the default) costs one
    /// task-local read per event.
    @TaskLocal public static var observer: (any CallEventObserver)?
}
