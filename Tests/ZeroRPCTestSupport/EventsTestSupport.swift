// Helpers for tests of the event patterns (Publisher/Subscriber, Pusher/Puller).

/// Calls `publish` (which sends one probe event) every 20 ms until `arrived` says a probe
/// got through, failing after 20 seconds (five times that in sanitized runs). PUB/SUB's slow joiner: a subscription takes a
/// moment to reach the publisher, and what is published before it arrives is lost, so
/// tests wait for a live subscription with probes instead of sleeping.
public func publishProbes(until arrived: () -> Bool, _ publish: () async throws -> Void) async throws {
    let deadline = ContinuousClock.now + TestTiming.patient(.seconds(20))
    while !arrived() {
        guard ContinuousClock.now < deadline else { throw TimeoutError() }
        try await publish()
        try await Task.sleep(for: .milliseconds(20))
    }
}
