import Testing
import ZeroRPCSchema

/// Wire names stay as written; Swift names are camelCased and escaped when they are keywords.
@Suite struct NameTests {
    @Test(arguments: [
        ("running_total", "runningTotal"), ("add", "add"), ("getUserID", "getUserID"), ("a_b_c", "aBC"),
        ("_private_thing", "_privateThing"), ("double__under", "doubleUnder"), ("trailing_", "trailing"),
        ("_", "_"),
    ])
    func snakeCaseBecomesCamelCase(wire: String, swift: String) {
        let name = Name(memberName: wire)
        #expect(name.wire == wire)
        #expect(name.swift == swift)
    }

    @Test func typeNamesKeepTheirSpelling() {
        #expect(Name(typeName: "HTTP_Request").swift == "HTTP_Request")
    }

    @Test(arguments: ["default", "class", "protocol", "self", "Type", "func", "in"])
    func swiftKeywordsAreEscaped(word: String) {
        let name = Name(memberName: word)
        #expect(name.needsEscaping)
        #expect(name.escapedSwift == "`\(word)`")
    }

    @Test func ordinaryNamesAreNotEscaped() {
        #expect(!Name(memberName: "value").needsEscaping)
        #expect(Name(memberName: "value").escapedSwift == "value")
    }

    @Test func keywordNamesAreLegalInTheLanguage() {
        let file = checkedFile("struct P { default: bool, class: string }\nenum E { case, default }")
        guard case .structure(let definition)? = file?.types.first, case .enumeration(let cases)? = file?.types.last else {
            Issue.record("expected a struct and an enum")
            return
        }
        #expect(definition.fields.map(\.name.escapedSwift) == ["`default`", "`class`"])
        #expect(cases.cases.map(\.name.escapedSwift) == ["`case`", "`default`"])
    }

    @Test func capitalizedBuildsGeneratedNames() {
        #expect("start" + Name.capitalized("runningTotal") == "startRunningTotal")
    }
}
