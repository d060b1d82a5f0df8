import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// Curve servers and clients end to end, through the shared context and ZAP handler.
@Suite struct CurveCallTests {
    /// Answers the caller's public key (nil on a plain server).
    static func registerWhoAmI(_ server: Server) throws {
        try server.register(name: "whoami") { _, context in
            context.peerPublicKey.map { .string($0) } ?? .nil
        }
    }

    static func curveServer(
        _ transport: TestTransport, keys: CurveKeyPair, allowing allowed: Set<String>? = nil
    ) throws -> (Server, String) {
        let options = ServerOptions(
            heartbeatInterval: TestTiming.heartbeat, security: .curve(keyPair: keys, allowedClientKeys: allowed))
        let server = Server(options: options)
        try registerWhoAmI(server)
        return (server, try server.bind(transport.bindEndpoint()))
    }

    static func client(_ endpoint: String, security: ClientSecurity) throws -> Client {
        try Client(
            connect: [endpoint],
            options: .init(heartbeatInterval: TestTiming.heartbeat, lingerOnClose: .zero, security: security))
    }

    /// True when the call failed as never connected (`RPCError.notConnected`: the
    /// request was not even sent) and the client never counted as connected: the
    /// handshake never succeeded.
    static func timesOut(_ client: Client) async -> Bool {
        do {
            _ = try await client.call("whoami", [], options: .within(.milliseconds(400)))
            return false
        } catch RPCError.notConnected {
            do {
                try await client.waitConnected(timeout: .milliseconds(100))
                return false
            } catch {
                return error is RPCError && !client.isConnected
            }
        } catch {
            return false
        }
    }

    @Test(arguments: [TestTransport.tcp, .ipc])
    func curveCallsWorkAndTheServerSeesTheClientsKey(_ transport: TestTransport) async throws {
        let serverKeys = try CurveKeyPair.generate()
        let clientKeys = try CurveKeyPair.generate()
        let (server, endpoint) = try Self.curveServer(transport, keys: serverKeys)
        let client = try Self.client(
            endpoint, security: .curve(serverPublicKey: serverKeys.publicKey, keyPair: clientKeys))
        try await client.waitConnected(timeout: .seconds(30))
        #expect(client.isConnected)
        #expect(try await client.call("whoami", []) == .string(clientKeys.publicKey))
        await client.close()
        await server.close()
    }

    @Test func aClientWithAGeneratedKeyPairIsServed() async throws {
        let serverKeys = try CurveKeyPair.generate()
        let (server, endpoint) = try Self.curveServer(.tcp, keys: serverKeys)
        let client = try Self.client(endpoint, security: .curve(serverPublicKey: serverKeys.publicKey))
        let key = try await client.call("whoami", []).stringValue
        #expect(key?.utf8.count == 40)
        await client.close()
        await server.close()
    }

    @Test func theWrongServerKeyOrNoCurveAtAllTimesOut() async throws {
        let serverKeys = try CurveKeyPair.generate()
        let impostor = try CurveKeyPair.generate()
        let (server, endpoint) = try Self.curveServer(.tcp, keys: serverKeys)
        let wrongKey = try Self.client(endpoint, security: .curve(serverPublicKey: impostor.publicKey))
        let plain = try Self.client(endpoint, security: .none)
        #expect(await Self.timesOut(wrongKey))
        #expect(await Self.timesOut(plain))
        await wrongKey.close()
        await plain.close()
        await server.close()
    }

    @Test func theAllowListAdmitsListedKeysOnly() async throws {
        let serverKeys = try CurveKeyPair.generate()
        let listed = try CurveKeyPair.generate()
        let unlisted = try CurveKeyPair.generate()
        let (server, endpoint) = try Self.curveServer(.tcp, keys: serverKeys, allowing: [listed.publicKey])
        let admitted = try Self.client(
            endpoint, security: .curve(serverPublicKey: serverKeys.publicKey, keyPair: listed))
        let refused = try Self.client(
            endpoint, security: .curve(serverPublicKey: serverKeys.publicKey, keyPair: unlisted))
        #expect(try await admitted.call("whoami", []) == .string(listed.publicKey))
        #expect(await Self.timesOut(refused))
        await admitted.close()
        await refused.close()
        await server.close()
    }

    @Test func twoServersInOneProcessKeepTheirOwnAllowLists() async throws {
        let serverKeys = try CurveKeyPair.generate()
        let alice = try CurveKeyPair.generate()
        let bob = try CurveKeyPair.generate()
        let (aliceServer, aliceEndpoint) = try Self.curveServer(.tcp, keys: serverKeys, allowing: [alice.publicKey])
        let (bobServer, bobEndpoint) = try Self.curveServer(.ipc, keys: serverKeys, allowing: [bob.publicKey])
        let security = { (keys: CurveKeyPair) in
            ClientSecurity.curve(serverPublicKey: serverKeys.publicKey, keyPair: keys)
        }
        let aliceAtAlice = try Self.client(aliceEndpoint, security: security(alice))
        let bobAtBob = try Self.client(bobEndpoint, security: security(bob))
        let aliceAtBob = try Self.client(bobEndpoint, security: security(alice))
        let bobAtAlice = try Self.client(aliceEndpoint, security: security(bob))
        #expect(try await aliceAtAlice.call("whoami", []) == .string(alice.publicKey))
        #expect(try await bobAtBob.call("whoami", []) == .string(bob.publicKey))
        #expect(await Self.timesOut(aliceAtBob))
        #expect(await Self.timesOut(bobAtAlice))
        for client in [aliceAtAlice, bobAtBob, aliceAtBob, bobAtAlice] { await client.close() }
        await aliceServer.close()
        await bobServer.close()
    }

    @Test(arguments: [TestTransport.inproc, .tcp])
    func aPlainServerHasNoPeerKey(_ transport: TestTransport) async throws {
        let fixture = try ServerFixture(transport, register: Self.registerWhoAmI)
        #expect(try await fixture.client.call("whoami", []) == .nil)
        await fixture.close()
    }
}
