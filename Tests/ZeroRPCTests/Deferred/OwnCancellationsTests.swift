import Testing

@testable import ZeroRPC

/// `OwnCancellations`, which the shared stores use to tell each cancellation request
/// once: the orderings a slow machine produces between a store's poll and a completion,
/// made by hand.
@Suite struct OwnCancellationsTests {
    /// The SQLite store's poll read a token still requested, its entry finished (and was
    /// forgotten) before the poll delivered what it read: the token must not be told
    /// again. Seen in a full sanitized run, where `theOwnerIsToldAboutCancellationOnce`
    /// got the cancelled token a second time instead of the next one.
    @Test func anEntryFinishingDuringAPollIsNotToldAgain() async throws {
        let cancellations = OwnCancellations()
        var requests = cancellations.subscribe(testIssuer).makeAsyncIterator()
        let token = freshToken()
        let later = freshToken()

        cancellations.deliver(token)  // requested through this instance: told at once
        #expect(await requests.next() == token)
        try await cancellations.deliverAll {
            // The poll's query read `token` as requested; meanwhile it completed.
            cancellations.forget(token)
            return [token]
        }
        cancellations.deliver(later)
        #expect(await requests.next() == later)
    }

    /// What the query finds is told once, and a token it no longer finds (finished in
    /// another instance) is forgotten, so the poll after it tells nothing again.
    @Test func aPollTellsNewRequestsOnce() async throws {
        let cancellations = OwnCancellations()
        var requests = cancellations.subscribe(testIssuer).makeAsyncIterator()
        let first = freshToken()
        let second = freshToken()

        try await cancellations.deliverAll { [first] }
        try await cancellations.deliverAll { [first, second] }
        try await cancellations.deliverAll { [second] }
        cancellations.forget(second)
        let last = freshToken()
        try await cancellations.deliverAll { [last] }
        #expect(await requests.next() == first)
        #expect(await requests.next() == second)
        #expect(await requests.next() == last)
    }
}
