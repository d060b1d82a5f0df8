import Testing
import ZeroRPCCodeGen
import ZeroRPCSchema

/// `zerorpc-gen.json`: known keys, errors for anything else, nearest file wins.
@Suite struct CodeGeneratorConfigurationTests {
    private func parse(_ json: String) -> Result<CodeGeneratorOptions, ConfigurationError> {
        CodeGeneratorConfiguration.parse(Array(json.utf8), path: "zerorpc-gen.json")
    }

    @Test func emptyObjectMeansDefaults() throws {
        #expect(try parse("{}").get() == CodeGeneratorOptions())
    }

    @Test func knownKeysSetOptions() throws {
        #expect(try parse("{\"accessLevel\": \"internal\"}").get() == CodeGeneratorOptions(accessLevel: .internal))
    }

    @Test func unknownKeyIsAnErrorListingTheKnownOnes() {
        #expect(throws: ConfigurationError.self) { try parse("{\"acessLevel\": \"internal\"}").get() }
        if case .failure(let error) = parse("{\"acessLevel\": \"internal\"}") {
            #expect(
                error.description
                    == "zerorpc-gen.json:1:1: error: unknown key `acessLevel` in zerorpc-gen.json; known keys: `accessLevel`"
            )
        }
    }

    @Test(arguments: ["\"private\"", "true"])
    func wrongAccessLevelValuesAreErrors(value: String) {
        if case .failure(let error) = parse("{\"accessLevel\": \(value)}") {
            #expect(
                error.description == "zerorpc-gen.json:1:1: error: `accessLevel` must be `\"public\"` or `\"internal\"`"
            )
        } else {
            Issue.record("expected an error")
        }
    }

    /// The streams-and-deferred switch is gone: those shapes are always generated, and
    /// a file still setting it is told so rather than silently ignored.
    @Test func removedStreamingOptionIsAnUnknownKey() {
        if case .failure(let error) = parse("{\"streamingAndDeferredAPI\": true}") {
            #expect(
                error.description
                    == "zerorpc-gen.json:1:1: error: unknown key `streamingAndDeferredAPI` in zerorpc-gen.json; known keys: `accessLevel`"
            )
        } else {
            Issue.record("expected an error")
        }
    }

    @Test func malformedJSONIsAnError() {
        if case .failure(let error) = parse("[1, 2") {
            #expect(
                error.description.hasPrefix("zerorpc-gen.json:1:1: error: zerorpc-gen.json must hold a JSON object"))
        } else {
            Issue.record("expected an error")
        }
    }

    @Test func nearestFileUpTheTreeWins() {
        let existing: Set<String> = ["/repo/zerorpc-gen.json", "/repo/api/zerorpc-gen.json"]
        #expect(
            CodeGeneratorConfiguration.nearestFile(from: "/repo/api/v1", fileExists: existing.contains)
                == "/repo/api/zerorpc-gen.json")
        #expect(
            CodeGeneratorConfiguration.nearestFile(from: "/repo/other", fileExists: existing.contains)
                == "/repo/zerorpc-gen.json")
        #expect(CodeGeneratorConfiguration.nearestFile(from: "/elsewhere", fileExists: existing.contains) == nil)
        #expect(
            CodeGeneratorConfiguration.nearestFile(from: "api", fileExists: ["zerorpc-gen.json"].contains)
                == "zerorpc-gen.json")
    }
}
