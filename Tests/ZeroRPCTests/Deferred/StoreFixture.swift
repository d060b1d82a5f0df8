import Foundation
import Testing

@testable import ZeroRPC

/// The stores every ``ResultStore`` contract test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case memory

    var testDescription: String { rawValue }
}

/// A store under test with the clock that times it.
struct StoreFixture {
    let store: any ResultStore
    let clock: ManualClock
    private let tearDown: @Sendable () async -> Void

    init(_ kind: StoreKind, tombstoneRetention: Duration = .seconds(3600)) throws {
        let clock = ManualClock()
        self.clock = clock
        switch kind {
        case .memory:
            store = MemoryResultStore(tombstoneRetention: tombstoneRetention, clock: clock.storeClock)
            tearDown = {}
        }
    }

    /// How many tasks wait for `token` in this process.
    func waiterCount(for token: DeferredToken) -> Int {
        switch store {
        case let memory as MemoryResultStore: memory.waiterCount(for: token)
        default: 0
        }
    }

    func close() async { await tearDown() }
}
