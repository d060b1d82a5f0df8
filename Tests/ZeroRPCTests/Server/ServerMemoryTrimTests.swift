// When the server trims freed memory after reaping dead peers (ServerMemoryTrim): after
// a settling delay, never twice within the minimum interval, and never postponed by
// peers that keep dying. The memory it gives back is measured with a real server in
// ReapedPeerMemoryTests (ZeroRPCFaultTests) and by `make hostile`.
import Testing

@testable import ZeroRPC

@Suite struct ServerMemoryTrimTests {
    let start = ContinuousClock.now

    @Test func nothingIsDueUntilPeersAreReaped() {
        var trim = ServerMemoryTrim()
        var trimmed = false
        #expect(trim.due == nil)
        trimmed = trim.trimIfDue(now: start + .seconds(100))
        #expect(!trimmed)
    }

    @Test func aReapMakesATrimDueAfterTheSettlingDelayOnly() {
        var trim = ServerMemoryTrim()
        var trimmed = false
        trim.peersReaped(now: start, settle: .milliseconds(500))
        #expect(trim.due == start + .milliseconds(500))
        trimmed = trim.trimIfDue(now: start + .milliseconds(499))
        #expect(!trimmed)
        trimmed = trim.trimIfDue(now: start + .milliseconds(500))
        #expect(trimmed)
        #expect(trim.due == nil)
        trimmed = trim.trimIfDue(now: start + .seconds(1))
        #expect(!trimmed, "trimmed twice for one reap")
    }

    @Test func trimsAreAtLeastTheMinimumIntervalApart() {
        var trim = ServerMemoryTrim()
        var trimmed = false
        trim.peersReaped(now: start, settle: .zero)
        trimmed = trim.trimIfDue(now: start)
        #expect(trimmed)
        trim.peersReaped(now: start + .milliseconds(10), settle: .zero)
        #expect(trim.due == start + ServerMemoryTrim.minimumInterval)
        trimmed = trim.trimIfDue(now: start + ServerMemoryTrim.minimumInterval - .milliseconds(1))
        #expect(!trimmed)
        trimmed = trim.trimIfDue(now: start + ServerMemoryTrim.minimumInterval)
        #expect(trimmed)
    }

    @Test func peersDyingOneAfterAnotherDoNotPostponeADueTrim() {
        var trim = ServerMemoryTrim()
        var trimmed = false
        trim.peersReaped(now: start, settle: .seconds(1))
        for step in 1...20 { trim.peersReaped(now: start + .milliseconds(100 * step), settle: .seconds(1)) }
        #expect(trim.due == start + .seconds(1))
        trimmed = trim.trimIfDue(now: start + .seconds(1))
        #expect(trimmed)
    }
}
