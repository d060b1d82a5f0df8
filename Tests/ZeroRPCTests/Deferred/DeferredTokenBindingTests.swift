import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// A curve server admitting Alice and Bob, binding its deferred tokens to the caller's
/// key (unless told otherwise), over a store of `kind`. `hold(x)` counts its runs, opens
/// `started`, waits for `release` and returns x; cancelled, it throws.
private struct BoundTokenFixture {
    let server: Server
    let endpoint: String
    let storeFixture: StoreFixture
    let serverKeys: CurveKeyPair
    let alice: CurveKeyPair
    let bob: CurveKeyPair
    let started = TestGate()
    let release = TestGate()
    let runs = TestCounter()

    var store: any ResultStore { storeFixture.store }

    init(_ kind: StoreKind, binding: DeferredTokenBinding = .clientKey) async throws {
        storeFixture = try await StoreFixture(kind)
        serverKeys = try CurveKeyPair.generate()
        alice = try CurveKeyPair.generate()
        bob = try CurveKeyPair.generate()
        server = Server(
            name: "bound-tokens",
            options: ServerOptions(
                heartbeatInterval: TestTiming.heartbeat,
                deferred: .init(
                    store: storeFixture.store, serverID: DeferredServerID("bound-server")!, tokenBinding: binding),
                security: .curve(keyPair: serverKeys, allowedClientKeys: [alice.publicKey, bob.publicKey])))
        let (started, release, runs) = (started, release, runs)
        try server.register(name: "hold") { arguments, _ in
            runs.increment()
            started.open()
            await withTaskCancellationHandler {
                await release.wait()
            } onCancel: {
                release.open()
            }
            try Task.checkCancellation()
            return arguments.first ?? .nil
        }
        endpoint = try server.bind(TestTransport.tcp.bindEndpoint())
    }

    /// A client presenting `keys`; each call makes a new one, as another process would.
    func client(_ keys: CurveKeyPair) throws -> Client {
        try Client(
            connect: [endpoint],
            options: .init(
                heartbeatInterval: TestTiming.heartbeat, lingerOnClose: .zero,
                security: .curve(serverPublicKey: serverKeys.publicKey, keyPair: keys)))
    }

    /// `hold(x)` with a budget of zero: deferred at once.
    func startHold(_ client: Client, _ x: Int64, idempotencyKey: String? = nil) async throws -> Deferred<Int64> {
        try await client.startDeferred(
            "hold", options: CallOptions(timeout: .seconds(30), deferAfter: .zero, idempotencyKey: idempotencyKey),
            declaredErrors: [],
            arguments: { writer in
                writer.writeArrayHeader(1)
                writer.write(x)
            },
            result: { try $0.read(Int64.self) })
    }

    /// Alice's and Bob's clients and a `hold(x)` of Alice's, deferred: its handle and token.
    func aliceHolding(
        _ x: Int64
    ) async throws -> (alice: Client, bob: Client, handle: Deferred<Int64>, token: DeferredToken) {
        let alice = try client(self.alice)
        let bob = try client(self.bob)
        let handle = try await startHold(alice, x)
        return (alice, bob, handle, try deferredToken(handle))
    }

    func close(_ clients: Client...) async {
        release.open()
        for client in clients { await client.close() }
        await server.close()
        await storeFixture.close()
    }
}

private func resume(_ token: DeferredToken, on client: Client) -> Deferred<Int64> {
    client.resumeDeferred(token, declaredErrors: []) { try $0.read(Int64.self) }
}

/// `ServerOptions.deferred.tokenBinding = .clientKey`: a deferred token works only for the
/// client key that made the call; any other key is answered as for an unknown token.
@Suite("Deferred tokens bound to the client key", .timeLimit(.minutes(2)))
struct DeferredTokenBindingTests {
    @Test(arguments: StoreKind.allCases)
    func onlyTheCallersKeyMayUseTheToken(_ kind: StoreKind) async throws {
        let fixture = try await BoundTokenFixture(kind)
        let (alice, bob, handle, token) = try await fixture.aliceHolding(42)
        #expect(try await fixture.store.boundClientKey(of: token) == fixture.alice.publicKey)
        #expect(await opens(fixture.started))

        // Bob holds the token text but not Alice's key: every request kind is refused.
        let stolen = resume(token, on: bob)
        await #expect(throws: RPCError.deferredNotFound(token)) { try await stolen.status() }
        await #expect(throws: RPCError.deferredNotFound(token)) { try await stolen.poll() }
        #expect(try await stolen.cancel() == false)
        #expect(try await bob.call("_zpc_ack", [.string(token.text)]) == .nil)
        #expect(try await fixture.store.isCancellationRequested(token) == false, "Bob's cancel reached the job")

        // Alice's own handle works meanwhile.
        #expect(try await handle.status() == .pending)
        #expect(try await handle.poll() == nil)
        fixture.release.open()
        #expect(try await finishedOutcome(token, in: fixture.store) == .success(encodedResult: [42]))

        // Finished, still Bob's requests change nothing: his ack removes no entry.
        await #expect(throws: RPCError.deferredNotFound(token)) { try await stolen.result() }
        #expect(try await bob.call("_zpc_ack", [.string(token.text)]) == .nil)
        #expect(try await fixture.store.lookup(token) == .finished(.success(encodedResult: [42])))

        // A second client object with Alice's key pair (another process, say) resumes,
        // reads and claims it; her ack removes the entry.
        let aliceAgain = try fixture.client(fixture.alice)
        let resumed = resume(token, on: aliceAgain)
        #expect(try await resumed.status() == .done)
        #expect(try await resumed.value == 42)
        try await eventually { try await fixture.store.lookup(token) == .unknown }
        #expect(fixture.runs.value == 1)
        await fixture.close(alice, bob, aliceAgain)
    }

    @Test(arguments: StoreKind.allCases)
    func anotherKeyCannotCancelTheJobButItsOwnerCan(_ kind: StoreKind) async throws {
        let fixture = try await BoundTokenFixture(kind)
        let (alice, bob, handle, token) = try await fixture.aliceHolding(7)
        #expect(await opens(fixture.started))
        #expect(try await resume(token, on: bob).cancel() == false)
        let aliceAgain = try fixture.client(fixture.alice)
        #expect(try await resume(token, on: aliceAgain).cancel() == true)
        #expect(try await finishedOutcome(token, in: fixture.store) == .cancelled)
        await #expect(throws: RPCError.deferredCancelled(token)) { try await handle.result() }
        await fixture.close(alice, bob, aliceAgain)
    }

    @Test(arguments: StoreKind.allCases)
    func anExpiredBoundTokenLooksUnknownToOtherKeys(_ kind: StoreKind) async throws {
        let fixture = try await BoundTokenFixture(kind)
        let (alice, bob, handle, token) = try await fixture.aliceHolding(3)
        fixture.release.open()
        _ = try await finishedOutcome(token, in: fixture.store)
        fixture.storeFixture.clock.advance(by: .seconds(601))  // past the server's 10 min time to live
        #expect(try await fixture.store.expireEntries() == 1)  // now a tombstone, still bound
        #expect(try await fixture.store.boundClientKey(of: token) == fixture.alice.publicKey)
        await #expect(throws: RPCError.deferredNotFound(token)) { try await resume(token, on: bob).status() }
        await #expect(throws: RPCError.expired(token)) { try await handle.result() }
        #expect(try await handle.status() == .expired)
        await fixture.close(alice, bob)
    }

    @Test(arguments: StoreKind.allCases)
    func anIdempotencyKeyIsScopedByTheClientKey(_ kind: StoreKind) async throws {
        let fixture = try await BoundTokenFixture(kind)
        let alice = try fixture.client(fixture.alice)
        let bob = try fixture.client(fixture.bob)
        let first = try deferredToken(try await fixture.startHold(alice, 1, idempotencyKey: "order-7"))
        let bobs = try deferredToken(try await fixture.startHold(bob, 2, idempotencyKey: "order-7"))
        let resent = try deferredToken(try await fixture.startHold(alice, 1, idempotencyKey: "order-7"))
        #expect(bobs != first, "Bob's request with Alice's idempotency key got her token")
        #expect(resent == first)
        #expect(try await fixture.store.boundClientKey(of: bobs) == fixture.bob.publicKey)
        fixture.release.open()
        #expect(try await resume(first, on: alice).value == 1)
        #expect(try await resume(bobs, on: bob).value == 2)
        #expect(fixture.runs.value == 2)
        for token in [first, bobs] {  // both claimed, so no ack arrives after the store closes
            try await eventually { try await fixture.store.lookup(token) == .unknown }
        }
        await fixture.close(alice, bob)
    }

    @Test func withBearerTokensACurveServerLetsAnyKeyUseTheToken() async throws {
        let fixture = try await BoundTokenFixture(.memory, binding: .bearer)
        let alice = try fixture.client(fixture.alice)
        let bob = try fixture.client(fixture.bob)
        let token = try deferredToken(try await fixture.startHold(alice, 5))
        #expect(try await fixture.store.boundClientKey(of: token) == nil)
        fixture.release.open()
        #expect(try await resume(token, on: bob).value == 5)
        await fixture.close(alice, bob)
    }

    @Test(arguments: StoreKind.allCases)
    func aServerSharingTheStoreHonoursTheBindingWhateverItsOwnSetting(_ kind: StoreKind) async throws {
        let fixture = try await BoundTokenFixture(kind)
        let alice = try fixture.client(fixture.alice)
        let token = try deferredToken(try await fixture.startHold(alice, 9))
        // A plain server on the same store: its callers are unauthenticated (no key).
        let plain = Server(
            options: ServerOptions(
                heartbeatInterval: TestTiming.heartbeat,
                deferred: .init(store: fixture.store, serverID: DeferredServerID("plain-server")!)))
        let plainEndpoint = try plain.bind(TestTransport.inproc.bindEndpoint())
        let anonymous = try Client(connect: [plainEndpoint], options: .init(heartbeatInterval: TestTiming.heartbeat))
        let stolen = resume(token, on: anonymous)
        await #expect(throws: RPCError.deferredNotFound(token)) { try await stolen.status() }
        #expect(try await stolen.cancel() == false)
        fixture.release.open()
        #expect(try await finishedOutcome(token, in: fixture.store) == .success(encodedResult: [9]))
        await #expect(throws: RPCError.deferredNotFound(token)) { try await stolen.poll() }
        #expect(try await resume(token, on: alice).value == 9)
        await anonymous.close()
        await plain.close()
        await fixture.close(alice)
    }

    @Test func bindingTokensWithoutCurveIsRefusedBeforeAnySocketOpens() async throws {
        let server = Server(options: ServerOptions(deferred: .init(tokenBinding: .clientKey)))
        #expect(throws: ServerConfigurationError.tokenBindingWithoutCurve) {
            try server.bind(TestTransport.inproc.bindEndpoint())
        }
        #expect(throws: ServerConfigurationError.tokenBindingWithoutCurve) {
            try server.connect(TestTransport.inproc.bindEndpoint())
        }
        await server.close()
    }
}
