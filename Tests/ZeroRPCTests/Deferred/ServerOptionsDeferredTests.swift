import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// `ServerOptions.Deferred` reaches the runtime the server owns, and the flat spellings
/// it replaced (public, so deprecated rather than removed) still configure the same thing.
@Suite("ServerOptions.Deferred", .timeLimit(.minutes(1)))
struct ServerOptionsDeferredTests {
    @Test func theServersRuntimeIsBuiltFromTheNestedSettings() throws {
        let store = MemoryResultStore()
        let id = try #require(DeferredServerID("nested-id"))
        let server = Server(
            options: ServerOptions(
                deferred: .init(store: store, serverID: id, timeToLive: .seconds(42), tokenBinding: .bearer)))
        #expect(server.deferredRuntime.store as? MemoryResultStore === store)
        #expect(server.deferredRuntime.serverID == id)
        #expect(server.deferredRuntime.timeToLive == .seconds(42))
        #expect(server.deferredRuntime.binding == .bearer)
        #expect(server.deferredJobCounts == (0, 0))
    }

    @Test func withoutAStoreEachServerGetsAMemoryStoreAndARandomIDOfItsOwn() {
        let first = Server(options: ServerOptions())
        let second = Server(options: ServerOptions())
        #expect(first.deferredRuntime.store is MemoryResultStore)
        #expect(
            first.deferredRuntime.store as? MemoryResultStore !== second.deferredRuntime.store as? MemoryResultStore)
        #expect(first.deferredRuntime.serverID != second.deferredRuntime.serverID)
        #expect(first.deferredRuntime.timeToLive == .seconds(600))
    }

    @Test func aDeferredCallIsIssuedUnderTheConfiguredIDIntoTheConfiguredStore() async throws {
        let store = MemoryResultStore()
        let fixture = try DeferredCallFixture(store: store, serverID: DeferredServerID("configured"))
        let token = try deferredToken(try await fixture.startHold(9))
        #expect(token.issuer == DeferredServerID("configured"))
        #expect(store.entryCount == 1)
        fixture.release.open()
        #expect(try await finishedOutcome(token, in: store) != nil)
        await fixture.close()
    }

    @available(*, deprecated, message: "exercises the deprecated flat spellings")
    @Test func theFlatSpellingsForwardToTheNestedSettings() throws {
        let store = MemoryResultStore()
        let id = try #require(DeferredServerID("flat-id"))
        var options = ServerOptions(
            resultStore: store, deferredServerID: id, deferredTimeToLive: .seconds(7), deferredTokenBinding: .clientKey)
        #expect(options.deferred.store as? MemoryResultStore === store)
        #expect(options.deferred.serverID == id)
        #expect(options.deferred.timeToLive == .seconds(7))
        #expect(options.deferred.tokenBinding == .clientKey)

        options.deferredTimeToLive = .seconds(8)
        options.deferredTokenBinding = .bearer
        options.deferredServerID = nil
        options.resultStore = nil
        #expect(options.deferred.timeToLive == .seconds(8))
        #expect(options.deferred.tokenBinding == .bearer)
        #expect(options.deferred.serverID == nil)
        #expect(options.deferred.store == nil)
        #expect(options.deferredTimeToLive == .seconds(8))
    }
}
