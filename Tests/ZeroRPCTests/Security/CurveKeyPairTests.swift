import Testing

@testable import ZeroRPC

@Suite struct CurveKeyPairTests {
    @Test func generatedPairsAreValidDistinctAndConsistent() throws {
        let first = try CurveKeyPair.generate()
        let second = try CurveKeyPair.generate()
        #expect(first.publicKey.utf8.count == 40)
        #expect(first.secretKey.utf8.count == 40)
        #expect(first.publicKey != second.publicKey)
        #expect(try CurveKeyPair(publicKey: first.publicKey, secretKey: first.secretKey) == first)
        #expect(try CurveKeyPair(secretKey: first.secretKey).publicKey == first.publicKey)
    }

    @Test func textIsValidatedWithClearErrors() throws {
        let pair = try CurveKeyPair.generate()
        #expect(throws: CurveKeyError.invalidLength(role: "public key", count: 39)) {
            try CurveKeyPair(publicKey: String(pair.publicKey.dropLast()), secretKey: pair.secretKey)
        }
        let badCharacter = "~" + pair.secretKey.dropFirst()
        #expect(throws: CurveKeyError.invalidCharacter(role: "secret key", offset: 0)) {
            try CurveKeyPair(publicKey: pair.publicKey, secretKey: badCharacter)
        }
        // "#####" is 85^5 - 1, more than 32 bits: valid characters, invalid encoding.
        let overflowing = String(repeating: "#", count: 40)
        #expect(throws: CurveKeyError.invalidEncoding(role: "server public key")) {
            try CurveKeyPair.validate(overflowing, role: "server public key")
        }
        let other = try CurveKeyPair.generate()
        #expect(throws: CurveKeyError.mismatchedKeyPair) {
            try CurveKeyPair(publicKey: other.publicKey, secretKey: pair.secretKey)
        }
        #expect(
            CurveKeyError.invalidLength(role: "public key", count: 3).description
                == "the public key must be 40 characters of Z85 text, got 3")
    }

    @Test func theSecretKeyNeverShowsInDescriptions() throws {
        let pair = try CurveKeyPair.generate()
        var dumped = ""
        dump(pair, to: &dumped)
        let security = ServerSecurity.curve(keyPair: pair)
        let client = ClientSecurity.curve(serverPublicKey: pair.publicKey, keyPair: pair)
        for text in [String(describing: pair), String(reflecting: pair), dumped, "\(security)", "\(client)"] {
            #expect(!text.contains(pair.secretKey))
            #expect(text.contains(pair.publicKey))
        }
    }

    @Test func settingsAreValidatedBeforeAnySocketOpens() throws {
        let pair = try CurveKeyPair.generate()
        let server = Server(options: .init(security: .curve(keyPair: pair, allowedClientKeys: ["not a key"])))
        #expect(throws: CurveKeyError.invalidLength(role: "allowed client key", count: 9)) {
            try server.bind("inproc://never-bound")
        }
        let options = ClientOptions(security: .curve(serverPublicKey: "short"))
        #expect(throws: CurveKeyError.invalidLength(role: "server public key", count: 5)) {
            try Client(connect: ["inproc://never-bound"], options: options)
        }
    }
}
