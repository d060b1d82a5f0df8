import Testing
import ZeroRPCSchema

/// The checked model carries what the generator needs: resolved types, docs, kinds.
@Suite struct ModelTests {
    @Test func namedTypesResolveToTheirKind() {
        let file = checkedFile(
            "enum E { a }\nunion U { x: int }\nerror Oops {}\nstruct S { e: E, u: U, o: Oops?, list: [S], map: {E: [U]} }"
        )
        guard case .structure(let definition)? = file?.types.last else {
            Issue.record("expected a struct")
            return
        }
        #expect(
            definition.fields.map(\.type) == [
                .named("E", .enumeration), .named("U", .union), .optional(.named("Oops", .error)),
                .array(.named("S", .structure)),
                .map(key: .named("E", .enumeration), value: .array(.named("U", .union))),
            ])
    }

    @Test func typesKeepTheirDeclarationAsWrittenWithAttributesButNotDocs() {
        let file = checkedFile(
            """
            /// Colours.
            enum C { red, green = 2 }
            /// Old.
            @deprecated("use P2")
            struct P {
                x: int = 1  // why
            }
            union U { a: int }
            error E { reason: string }
            """)
        #expect(
            file?.types.map(\.declarationText) == [
                "enum C { red, green = 2 }", "@deprecated(\"use P2\")\nstruct P {\n    x: int = 1  // why\n}",
                "union U { a: int }", "error E { reason: string }",
            ])
        #expect(file?.types.map(\.documentation) == [["Colours."], ["Old."], [], []])
    }

    @Test func everyBuiltinTypeResolves() {
        let file = checkedFile(
            "struct B { a: bool, b: int, c: uint, d: float, e: double, f: string, g: bytes, h: timestamp, i: any }")
        guard case .structure(let definition)? = file?.types.first else {
            Issue.record("expected a struct")
            return
        }
        #expect(
            definition.fields.map(\.type) == [.bool, .int, .uint, .float, .double, .string, .bytes, .timestamp, .any])
    }

    @Test func documentationIsKeptOnEveryDeclaration() {
        let file = checkedFile(
            """
            /// The file.
            namespace docs
            /// A struct.
            struct S {
                /// A field.
                f: int
            }
            /// An enum.
            enum E {
                /// A case.
                c
            }
            /// A union.
            union U {
                /// A union case.
                u: int
            }
            /// A service.
            service V {
                /// A method.
                m(
                    /// A parameter.
                    p: int
                )
            }
            """)
        #expect(file?.documentation == ["The file."])
        guard case .structure(let s)? = file?.types[0], case .enumeration(let e)? = file?.types[1],
            case .union(let u)? = file?.types[2], let v = file?.services.first
        else {
            Issue.record("expected struct, enum, union and service")
            return
        }
        #expect(s.documentation == ["A struct."] && s.fields[0].documentation == ["A field."])
        #expect(e.documentation == ["An enum."] && e.cases[0].documentation == ["A case."])
        #expect(u.documentation == ["A union."] && u.cases[0].documentation == ["A union case."])
        #expect(v.documentation == ["A service."] && v.methods[0].documentation == ["A method."])
        #expect(v.methods[0].parameters[0].documentation == ["A parameter."])
    }

    @Test func enumWithAllExplicitValuesIsIntegerValued() {
        let file = checkedFile("enum A { x = 1, y = 2 }\nenum B { x = 1, y }")
        guard case .enumeration(let a)? = file?.types.first, case .enumeration(let b)? = file?.types.last else {
            Issue.record("expected two enums")
            return
        }
        #expect(a.isIntegerValued && !b.isIntegerValued)
        #expect(a.cases.map(\.value) == [1, 2])
    }

    @Test func omittableFieldsAreOptionalOrDefaulted() {
        let file = checkedFile("struct S { a: int, b: int?, c: int = 1 }")
        guard case .structure(let definition)? = file?.types.first else {
            Issue.record("expected a struct")
            return
        }
        #expect(definition.fields.map(\.isOmittable) == [false, true, true])
    }

    @Test func schemaFindsTypesAcrossFiles() {
        let result = compile("import \"b.rpc\"\nstruct A { b: B }", files: ["b.rpc": "struct B { x: int }"])
        #expect(result.schema.type(named: "B")?.name.swift == "B")
        #expect(result.schema.type(named: "Nope") == nil)
    }
}
