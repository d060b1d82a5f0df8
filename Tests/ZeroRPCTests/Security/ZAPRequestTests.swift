import Testing

@testable import ZeroRPC

/// The ZAP 1.0 answers, without sockets.
@Suite struct ZAPRequestTests {
    static func request(domain: String, mechanism: String, credentials: [[UInt8]]) -> [[UInt8]] {
        [Array("1.0".utf8), [7, 7], Array(domain.utf8), Array("127.0.0.1".utf8), [], Array(mechanism.utf8)]
            + credentials
    }

    static func status(_ reply: [[UInt8]]) -> (code: String, userID: String) {
        (String(decoding: reply[2], as: UTF8.self), String(decoding: reply[4], as: UTF8.self))
    }

    @Test func curveClientsAreAdmittedByTheirDomainsRule() throws {
        let client = try CurveKeyPair.generate()
        let stranger = try CurveKeyPair.generate()
        let rules: [String: ZAPRequest.Admission] = ["open": .anyClient, "closed": .listed([client.publicKey])]
        func answer(_ domain: String, _ key: CurveKeyPair) throws -> (code: String, userID: String) {
            let bytes = try #require(CurveKeyPair.decode(key.publicKey))
            let reply = ZAPRequest.reply(to: Self.request(domain: domain, mechanism: "CURVE", credentials: [bytes])) {
                rules[$0]
            }
            #expect(reply.count == 6)
            #expect(reply[0] == Array("1.0".utf8))
            #expect(reply[1] == [7, 7], "the request id is echoed")
            return Self.status(reply)
        }
        #expect(try answer("open", stranger) == ("200", stranger.publicKey))
        #expect(try answer("closed", client) == ("200", client.publicKey))
        #expect(try answer("closed", stranger).code == "400")
        #expect(try answer("unknown", client).code == "400")
    }

    @Test func malformedAndForeignRequestsAreRefused() {
        let rules: (String) -> ZAPRequest.Admission? = { _ in .anyClient }
        #expect(Self.status(ZAPRequest.reply(to: [Array("1.0".utf8)], admission: rules)).code == "400")
        var wrongVersion = Self.request(
            domain: "d", mechanism: "CURVE", credentials: [[UInt8](repeating: 1, count: 32)])
        wrongVersion[0] = Array("2.0".utf8)
        #expect(Self.status(ZAPRequest.reply(to: wrongVersion, admission: rules)).code == "400")
        let shortKey = Self.request(domain: "d", mechanism: "CURVE", credentials: [[1, 2, 3]])
        #expect(Self.status(ZAPRequest.reply(to: shortKey, admission: rules)).code == "400")
        let plain = Self.request(domain: "d", mechanism: "PLAIN", credentials: [[], []])
        #expect(Self.status(ZAPRequest.reply(to: plain, admission: rules)).code == "400")
        let null = Self.request(domain: "", mechanism: "NULL", credentials: [])
        #expect(Self.status(ZAPRequest.reply(to: null, admission: rules)) == ("200", ""))
    }
}
