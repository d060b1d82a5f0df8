import Testing

@testable import ZeroRPC

@Suite struct LockedValueTests {
    @Test func serializesConcurrentUpdates() async {
        let counter = LockedValue(0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<10_000 { counter.withLock { $0 += 1 } }
                }
            }
        }
        #expect(counter.withLock { $0 } == 80_000)
    }

    @Test func rethrowsTheBodysErrorAndReleasesTheLock() {
        struct Refused: Error {}
        let value = LockedValue([1, 2])
        #expect(throws: Refused.self) { try value.withLock { _ in throw Refused() } }
        #expect(value.withLock { $0.count } == 2)
    }
}
