// The test processes' own children must never linger as zombies: swift-testing's exit
// tests wait with `waitid(P_ALL, …, WNOWAIT)` and, while the first ended child they see
// is not theirs, spin forever (docs/RUNTIME.md, session 15).
import Foundation
import Testing
import ZeroRPCTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct SpawnedChildReapingTests {
    /// Whether `pid` is gone from the process table: a zombie still has its /proc entry.
    private func isReaped(_ pid: pid_t) -> Bool {
        access("/proc/\(pid)", F_OK) != 0
    }

    @Test func aKilledChildNobodyWaitsForIsReaped() async throws {
        let child = try SpawnedChild(executable: "/bin/sleep", arguments: ["30"])
        #expect(child.isRunning)
        child.signal(SIGKILL)
        // Nothing here asks for its status; it must still leave the process table.
        let limit = ContinuousClock.now.advanced(by: TestTiming.boundedWait)
        while !isReaped(child.pid), ContinuousClock.now < limit {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(isReaped(child.pid))
        #expect(!child.isRunning)
        #expect(await child.exitStatus() == SIGKILL)
    }

    @Test func aChildThatExitsOnItsOwnGivesItsCodeToEveryWaiter() async throws {
        let child = try SpawnedChild(executable: "/bin/sh", arguments: ["-c", "exit 3"])
        async let first = child.exitStatus()
        async let second = child.exitStatus()
        #expect(await [first, second] == [3, 3])
        #expect(child.waitForExit() == 3)
        #expect(isReaped(child.pid))
    }
}
