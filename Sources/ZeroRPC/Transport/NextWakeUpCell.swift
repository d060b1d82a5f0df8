/// A `NextWakeUp` behind a reference, for the call tables. `ContinuousClock.Instant` is a
/// resilient standard-library type: held inline, it gives a struct a layout known only at
/// run time, and every read of a loop's table through a computed property or method a
/// copy of the whole table through value witnesses (measured: +7 % instructions per
/// server call). A table is never copied, so the reference is never shared.
final class NextWakeUpCell {
    /// Touched only by the thread holding its loop's `TurnLock` (tests: one thread), so the
    /// dynamic exclusivity check of a class property would prove nothing; it is off, as
    /// for the loops' own properties (measured: ~300 instructions per client call).
    @exclusivity(unchecked) var value = NextWakeUp()
}
