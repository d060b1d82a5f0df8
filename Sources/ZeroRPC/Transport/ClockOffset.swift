/// Instants of `ContinuousClock` kept as a `Duration` since one process-wide origin, for
/// values that every call copies.
///
/// `ContinuousClock.Instant` is a resilient standard-library type: a struct holding one
/// inline has a layout known only at run time, and each copy or destroy of it goes
/// through value witnesses (`initializeWithCopy for IncomingCall`, `for CallOptions`:
/// hundreds of instructions per call in `make callgrind`). `Duration` is frozen, so a
/// struct holding an offset instead is copied inline.
enum ClockOffset {
    /// The instant every offset counts from, taken once per process.
    static let origin = ContinuousClock.now

    /// `instant` as time since `origin` (negative before it).
    @inline(__always)
    static func of(_ instant: ContinuousClock.Instant) -> Duration {
        origin.duration(to: instant)
    }

    /// The instant `offset` after `origin`.
    @inline(__always)
    static func instant(_ offset: Duration) -> ContinuousClock.Instant {
        origin.advanced(by: offset)
    }
}
