import Testing

@testable import ZeroRPC

/// `EventInbox` on its own: its queue order and its back-pressure signals.
@Suite struct EventInboxTests {
    static func payload(_ number: Int) -> [UInt8] { [UInt8(number >> 8), UInt8(number & 0xff)] }

    /// A receiver whose handlers never quite catch up: the queue never runs dry, is
    /// compacted as it goes, and still hands out every event once, in order.
    @Test func theQueueKeepsItsOrderWhileItNeverRunsDry() {
        let inbox = EventInbox(limit: 1, queueLimit: 100_000)
        var sent = 0
        var taken: [[UInt8]] = []
        for _ in 0..<200 {
            _ = inbox.add((sent..<sent + 50).map(Self.payload), at: .now)
            sent += 50
            for _ in 0..<45 {
                guard case .event(let payload) = inbox.take(resumeReader: {}) else { break }
                taken.append(payload)
            }
        }
        while case .event(let payload) = inbox.take(resumeReader: {}) { taken.append(payload) }
        #expect(taken == (0..<sent).map(Self.payload))
    }

    @Test func aFullQueuePausesTheReaderUntilHalfIsTaken() {
        let inbox = EventInbox(limit: 1, queueLimit: 8)
        #expect(inbox.room == 8)
        let admission = inbox.add((0..<8).map(Self.payload), at: .now)
        #expect(admission.pausesReader)
        #expect(admission.workersToStart == 1)
        #expect(inbox.room == 0)
        var resumed = 0
        for _ in 0..<4 { _ = inbox.take(resumeReader: { resumed += 1 }) }
        #expect(resumed == 1)  // at 4 of 8 left
        #expect(inbox.room == 4)
        _ = inbox.close()
        guard case .closed = inbox.take(resumeReader: {}) else {
            Issue.record("a closed inbox still hands out events")
            return
        }
    }
}
