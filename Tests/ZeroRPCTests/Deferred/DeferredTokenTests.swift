import Foundation
import Testing

@testable import ZeroRPC

@Suite struct DeferredTokenTests {
    @Test func textRoundTripsAndIsURLSafe() throws {
        let token = freshToken()
        let text = token.text
        #expect(DeferredToken(text) == token)
        #expect(text.hasPrefix("test-server."))
        #expect(text.count == "test-server.".count + 32)
        let urlSafe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
        #expect(text.allSatisfy(urlSafe.contains))
        #expect(try #require(DeferredToken(text)).issuer == testIssuer)
    }

    @Test func tokensCarryAtLeast128RandomBits() {
        let texts = (0..<2_000).map { _ in freshToken().text }
        #expect(Set(texts).count == texts.count)
        // Every one of the 32 secret characters takes many values across tokens: the
        // secret is random throughout, not a counter or a padded short value.
        let secrets = texts.map { Array($0.utf8.suffix(32)) }
        for position in 0..<32 {
            #expect(Set(secrets.map { $0[position] }).count > 40, "position \(position)")
        }
    }

    @Test func descriptionShowsOnlyAPrefix() {
        let token = freshToken()
        let secret = String(token.text.suffix(32))
        #expect(token.description == "test-server." + secret.prefix(4) + "…")
        #expect(!token.description.contains(secret.prefix(5)))
        #expect(!"\(token)".contains(secret))
    }

    @Test(arguments: [
        "",
        ".",
        "test-server",
        "test-server.",
        ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "test-server.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // 31 secret characters
        "test-server.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // 33
        "test-server.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // 36: whole groups, too long
        "test-server.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  // padding
        "test-server.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+/",  // base64, not base64url
        "test server.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // space in the issuer
        "té.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        String(repeating: "a", count: 65) + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "test-server.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\u{0}",
    ])
    func malformedTextIsRejected(_ text: String) {
        #expect(DeferredToken(text) == nil)
    }

    @Test func issuerMayBeAnyValidIDUpTo64Characters() throws {
        let longest = String(repeating: "a", count: 64)
        let token = DeferredToken(issuer: try #require(DeferredServerID(longest)))
        #expect(DeferredToken(token.text) == token)
        #expect(DeferredToken(longest + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")?.issuer.text == longest)
    }

    @Test func serverIDsValidateAndRandomOnesDiffer() {
        #expect(DeferredServerID("a-b_C9") != nil)
        #expect(DeferredServerID("a.b") == nil)
        #expect(DeferredServerID("") == nil)
        let first = DeferredServerID.random()
        #expect(first != DeferredServerID.random())
        #expect(DeferredServerID(first.text) == first)
        #expect(first.text.count == 16)
    }

    @Test func codableUsesTheTextAndRejectsMalformedText() throws {
        let token = freshToken()
        let data = try JSONEncoder().encode([token])
        #expect(String(decoding: data, as: UTF8.self) == "[\"\(token.text)\"]")
        #expect(try JSONDecoder().decode([DeferredToken].self, from: data) == [token])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([DeferredToken].self, from: Data("[\"nope\"]".utf8))
        }
    }

    @Test func messagePackUsesTheTextAndRejectsMalformedText() throws {
        let token = freshToken()
        #expect(try MessagePackValue(encoding: token) == .string(token.text))
        #expect(try MessagePackValue.string(token.text).decoded(as: DeferredToken.self) == token)
        #expect(throws: MessagePackDecodingError.self) {
            try MessagePackValue.string("test-server.short").decoded(as: DeferredToken.self)
        }
        #expect(throws: MessagePackDecodingError.self) { try MessagePackValue.int(7).decoded(as: DeferredToken.self) }
    }
}
