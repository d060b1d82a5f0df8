// A curve server logs every handshake its allow-list rejects at .notice, on its own
// logger, and admitted handshakes not at all.
import Logging
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

@Suite struct RejectedHandshakeLogTests {
    @Test func aClientKeyOffTheAllowListIsLoggedAtNotice() async throws {
        let log = LogRecorder()
        let serverKeys = try CurveKeyPair.generate()
        let listed = try CurveKeyPair.generate()
        let unlisted = try CurveKeyPair.generate()
        let server = Server(
            options: ServerOptions(
                heartbeatInterval: TestTiming.heartbeat, logger: log.logger,
                security: .curve(keyPair: serverKeys, allowedClientKeys: [listed.publicKey])))
        try CurveCallTests.registerWhoAmI(server)
        let endpoint = try server.bind("tcp://127.0.0.1:0")
        let admitted = try CurveCallTests.client(
            endpoint, security: .curve(serverPublicKey: serverKeys.publicKey, keyPair: listed))
        #expect(try await admitted.call("whoami", []) == .string(listed.publicKey))
        let rejection = "zerorpc server: rejected a CurveZMQ handshake"
        #expect(!log.messages(atLeast: .notice).contains(rejection))

        let refused = try CurveCallTests.client(
            endpoint, security: .curve(serverPublicKey: serverKeys.publicKey, keyPair: unlisted))
        try await waitUntil { log.messages(atLeast: .notice).contains(rejection) }
        #expect(!log.messages(atLeast: .warning).contains(rejection))
        await admitted.close()
        await refused.close()
        await server.close()
    }
}
