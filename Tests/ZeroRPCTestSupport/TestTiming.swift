import Foundation

/// Periods tests choose for the runtime, scaled for sanitized runs.
///
/// `make test-asan` and `make test-tsan` set `ZERORPC_SANITIZED=1`. A sanitizer slows
/// every thread 5–15 times, and a full parallel run starts hundreds of tests on 2 cores:
/// an I/O thread may then wait seconds for a core, and a peer that heartbeats every second
/// is declared lost after two silent periods although nothing is wrong. Tests that need a
/// peer *not* to be lost take their heartbeat period from here; tests that assert a loss
/// ("lost within two periods") keep their own short periods and still assert it.
public enum TestTiming {
    /// Whether the tests run under a sanitizer (`ZERORPC_SANITIZED` is set).
    public static let isSanitized = ProcessInfo.processInfo.environment["ZERORPC_SANITIZED"] != nil

    /// How many times longer a sanitized run waits: 5, else 1.
    public static let slowdown = isSanitized ? 5 : 1

    /// The heartbeat period of tests that need their peers to stay found: 1 s, 5 s when
    /// sanitized.
    public static let heartbeat: Duration = patient(.seconds(1))

    /// `duration`, scaled by `slowdown`: for a period a test needs to hold *longer than*
    /// some number of heartbeats (a blocked thread that must outlast two periods).
    public static func patient(_ duration: Duration) -> Duration {
        duration * slowdown
    }

    /// The upper bound of a wait a test asserts ended "in bounded time, not never", where
    /// the runtime's own bound is far shorter (a timeout of milliseconds): 20 s, 100 s
    /// when sanitized. A whole parallel `make test` on two cores can keep a task from a
    /// thread for 10–12 s (session 14: four such waits of 200–500 ms took 10.6–12.4 s),
    /// a sanitized run 15 s.
    public static let boundedWait: Duration = patient(.seconds(20))
}
