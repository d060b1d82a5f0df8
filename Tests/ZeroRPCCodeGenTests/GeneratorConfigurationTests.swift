import Testing
import ZeroRPCCodeGen
import ZeroRPCSchema

/// `zerorpc-gen.json`: known keys, errors for anything else, nearest file wins.
@Suite struct GeneratorConfigurationTests {
    private func parse(_ json: String) -> Result<GeneratorOptions, ConfigurationError> {
        GeneratorConfiguration.parse(Array(json.utf8), path: "zerorpc-gen.json")
    }

    @Test func emptyObjectMeansDefaults() throws {
        #expect(try parse("{}").get() == GeneratorOptions())
    }

    @Test func knownKeysSetOptions() throws {
        let options = try parse("{\"accessLevel\": \"internal\", \"streamingAndDeferredAPI\": true}").get()
        #expect(options == GeneratorOptions(accessLevel: .internal, streamingAndDeferredAPI: true))
    }

    @Test func unknownKeyIsAnErrorListingTheKnownOnes() {
        #expect(throws: ConfigurationError.self) { try parse("{\"acessLevel\": \"internal\"}").get() }
        if case .failure(let error) = parse("{\"acessLevel\": \"internal\"}") {
            #expect(
                error.description
                    == "zerorpc-gen.json:1:1: error: unknown key `acessLevel` in zerorpc-gen.json; known keys: `accessLevel`, `streamingAndDeferredAPI`"
            )
        }
    }

    @Test func wrongValueTypesAreErrors() {
        if case .failure(let error) = parse("{\"accessLevel\": \"private\"}") {
            #expect(
                error.description == "zerorpc-gen.json:1:1: error: `accessLevel` must be `\"public\"` or `\"internal\"`"
            )
        } else {
            Issue.record("expected an error")
        }
        if case .failure(let error) = parse("{\"streamingAndDeferredAPI\": 1}") {
            #expect(error.description == "zerorpc-gen.json:1:1: error: `streamingAndDeferredAPI` must be true or false")
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
            GeneratorConfiguration.nearestFile(from: "/repo/api/v1", fileExists: existing.contains)
                == "/repo/api/zerorpc-gen.json")
        #expect(
            GeneratorConfiguration.nearestFile(from: "/repo/other", fileExists: existing.contains)
                == "/repo/zerorpc-gen.json")
        #expect(GeneratorConfiguration.nearestFile(from: "/elsewhere", fileExists: existing.contains) == nil)
        #expect(
            GeneratorConfiguration.nearestFile(from: "api", fileExists: ["zerorpc-gen.json"].contains)
                == "zerorpc-gen.json")
    }
}
