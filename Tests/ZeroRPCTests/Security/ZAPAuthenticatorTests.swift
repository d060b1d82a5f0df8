import CZeroMQ
import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// The ZAP handler's lifetime against the leased context, on a private `ZMQContext` so
/// the counts are exact while other suites run.
@Suite struct ZAPAuthenticatorTests {
    /// One curve handshake over raw sockets; returns the "User-Id" the server saw, which
    /// only a ZAP handler in the server's own context can have set.
    static func handshake(
        contexts: ZMQContext, authenticator: ZAPAuthenticator, serverKeys: CurveKeyPair, clientKeys: CurveKeyPair
    ) throws -> String? {
        let server = try ZMQSocket(.router, contexts: contexts)
        try server.applySecurity(.curve(keyPair: serverKeys), authenticator: authenticator)
        let endpoint = try server.bind("tcp://127.0.0.1:0")
        let client = try ZMQSocket(.dealer, contexts: contexts)
        try client.applySecurity(.curve(serverPublicKey: serverKeys.publicKey, keyPair: clientKeys))
        try client.connect(endpoint)
        #expect(client.send([[], [1]]) == .sent)
        var item = zmq_pollitem_t(socket: server.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        // A signal may interrupt the poll; that is no answer yet.
        var ready: Int32
        repeat {
            ready = zmq_poll(&item, 1, 10_000)
        } while ready < 0 && zmq_errno() == EINTR
        var userID: String?
        let received = ready == 1 ? try server.receiveRoutedPayload(property: "User-Id", value: &userID) : nil
        client.close()
        server.close()
        return received == nil ? nil : userID
    }

    @Test func eachFreshContextGetsAFreshHandlerAndTheLastCloseEndsBoth() async throws {
        let contexts = ZMQContext()
        let authenticator = ZAPAuthenticator(contexts: contexts)
        let serverKeys = try CurveKeyPair.generate()
        let clientKeys = try CurveKeyPair.generate()
        for round in 1...3 {
            let userID = try await onOwnThread {
                try Self.handshake(
                    contexts: contexts, authenticator: authenticator, serverKeys: serverKeys, clientKeys: clientKeys)
            }
            #expect(userID == clientKeys.publicKey, "round \(round)")
            #expect(!authenticator.isServing)
            #expect(contexts.leaseCount == 0)
            #expect(contexts.terminationCount == round)
        }
    }

    /// The last server's close stops the handler; the next curve server starts a fresh
    /// one, which binds the same inproc ZAP endpoint. libzmq releases a closed socket's
    /// endpoints later, on its reaper thread, so under load that bind failed with
    /// "Address already in use" and the new server could not start (seen in full-suite
    /// runs). Here threads restart the handler back to back while others keep the CPUs
    /// busy, so the reaper lags as it did there.
    @Test func aHandlerRestartedAtOnceAlwaysBinds() async throws {
        let contexts = ZMQContext()
        let authenticator = ZAPAuthenticator(contexts: contexts)
        let holder = try ZMQSocket(.router, contexts: contexts)  // keeps one context live
        defer { holder.close() }
        let failures = TestRecorder<String>()
        let busy = LockedValue(true)
        for _ in 0..<2 {
            Thread {
                var spin = 0
                while busy.withLock({ $0 }) { spin &+= 1 }
            }.start()
        }
        defer { busy.withLock { $0 = false } }
        try await onOwnThread {
            for _ in 0..<500 {
                do {
                    try authenticator.register(.anyClient).cancel()
                } catch {
                    failures.record("\(error)")
                }
            }
        }
        #expect(failures.recorded.isEmpty, "\(failures.recorded.count) failed: \(failures.recorded.prefix(2))")
    }

    @Test func serversComingAndGoingConcurrentlyNeverStrandTheHandler() async throws {
        let contexts = ZMQContext()
        let authenticator = ZAPAuthenticator(contexts: contexts)
        let serverKeys = try CurveKeyPair.generate()
        let clientKeys = try CurveKeyPair.generate()
        // Threads of their own: the handshakes block in zmq_poll.
        // Each handshake's outcome as text, so a failure shows which step went wrong.
        let results = TestRecorder<String>()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        Thread {
                            for _ in 0..<4 {
                                do {
                                    let userID = try Self.handshake(
                                        contexts: contexts, authenticator: authenticator, serverKeys: serverKeys,
                                        clientKeys: clientKeys)
                                    results.record(userID ?? "no message, or no User-Id")
                                } catch {
                                    results.record("threw \(error)")
                                }
                            }
                            continuation.resume()
                        }.start()
                    }
                }
            }
        }
        let userIDs = results.recorded
        #expect(userIDs.count == 12)
        #expect(userIDs.allSatisfy { $0 == clientKeys.publicKey }, "\(userIDs.filter { $0 != clientKeys.publicKey })")
        #expect(!authenticator.isServing)
        #expect(contexts.leaseCount == 0)
    }
}
