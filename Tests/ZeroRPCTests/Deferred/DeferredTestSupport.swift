import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// A wall clock the test moves by hand, for time to live, leases and tombstones.
final class ManualClock: Sendable {
    private let current = LockedValue(Date(timeIntervalSince1970: 1_800_000_000))

    var storeClock: ResultStoreClock {
        ResultStoreClock { self.current.withLock { $0 } }
    }

    func advance(by duration: Duration) {
        current.withLock { $0.addTimeInterval(duration.timeInterval) }
    }
}

let testIssuer = DeferredServerID("test-server")!

func freshToken(_ issuer: DeferredServerID = testIssuer) -> DeferredToken {
    DeferredToken(issuer: issuer)
}

/// Checks `condition` every 2 ms until it holds, so a test can wait for a waiter to
/// suspend; fails after `limit` of wall time (five times that in sanitized runs, see
/// `TestTiming`).
func eventually(
    within limit: Duration = .seconds(30), _ condition: @Sendable () async throws -> Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) async rethrows {
    let deadline = ContinuousClock.now.advanced(by: TestTiming.patient(limit))
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition never held", sourceLocation: sourceLocation)
            return
        }
        // A short sleep, not a yield: spinning starves the work being waited for when
        // the whole suite shares two cores (seen under AddressSanitizer).
        try? await Task.sleep(for: .milliseconds(2))
    }
}

/// A directory of its own under the system's temporary directory, removed by `cleanUp`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("zerorpc-deferred-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

/// Creates a pending entry without an idempotency key and expects it to be new.
func expectCreated(
    _ token: DeferredToken, in store: any ResultStore, timeToLive: Duration = .seconds(60),
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let creation = try await store.create(token, timeToLive: timeToLive, idempotencyKey: nil)
    #expect(creation == .created, sourceLocation: sourceLocation)
}
