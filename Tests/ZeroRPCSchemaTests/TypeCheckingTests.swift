import Testing
import ZeroRPCSchema

/// Semantic rules for types, fields, cases and default values.
@Suite struct TypeCheckingTests {
    @Test func unknownTypeSuggestsTheClosestName() {
        #expect(
            errors("struct Point { x: double }\nstruct Line { from: Pont }") == [
                "main.rpc:2:21: error: unknown type `Pont`; did you mean `Point`?"
            ])
    }

    @Test func unknownTypeSuggestsABuiltin() {
        #expect(
            errors("struct P { x: strng }") == ["main.rpc:1:15: error: unknown type `strng`; did you mean `string`?"])
    }

    @Test func unknownTypeWithoutCloseNameHasNoSuggestion() {
        #expect(errors("struct P { x: Quux }") == ["main.rpc:1:15: error: unknown type `Quux`"])
    }

    @Test func serviceIsNotAType() {
        #expect(errors("service S {}\nstruct P { s: S }") == ["main.rpc:2:15: error: `S` is a service, not a type"])
    }

    @Test func duplicateTypeNameNotesTheFirstDeclaration() {
        #expect(
            diagnostics("struct P { x: int }\nenum P { a }") == [
                "main.rpc:2:6: error: duplicate type name `P`: a struct with this name is already declared",
                "main.rpc:1:8: note: `P` first declared here",
            ])
    }

    @Test func duplicateFieldName() {
        #expect(
            diagnostics("struct P {\n    x: int\n    x: double\n}") == [
                "main.rpc:3:5: error: duplicate field `x` in struct `P`",
                "main.rpc:2:5: note: `x` first declared here",
            ])
    }

    @Test func duplicateEnumCase() {
        #expect(errors("enum E { a, b, a }") == ["main.rpc:1:16: error: duplicate case `a` in enum `E`"])
    }

    @Test func duplicateUnionCase() {
        #expect(errors("union U { a: int, a: string }") == ["main.rpc:1:19: error: duplicate case `a` in union `U`"])
    }

    @Test func duplicateEnumValue() {
        #expect(
            errors("enum E { a = 1, b = 1 }") == ["main.rpc:1:21: error: enum `E`: value 1 is already used by case `a`"]
        )
    }

    @Test func enumValueMustBeAnInteger() {
        #expect(
            errors("enum E { a = \"x\" }") == [
                "main.rpc:1:14: error: the value of an enum case must be an integer, found a string"
            ])
    }

    @Test func fieldsCollidingAfterCamelCase() {
        #expect(
            errors("struct P { user_id: int, userId: int }") == [
                "main.rpc:1:26: error: field `userId` in struct `P` has the same Swift name `userId` as `user_id`"
            ])
    }

    @Test func emptyEnumAndUnionAreErrors() {
        #expect(
            errors("enum E {}\nunion U {}") == [
                "main.rpc:1:6: error: enum `E` has no cases",
                "main.rpc:2:7: error: union `U` has no cases",
            ])
    }

    @Test func unionCasesCannotHaveDefaults() {
        #expect(errors("union U { a: int = 1 }") == ["main.rpc:1:20: error: union cases cannot have default values"])
    }

    @Test func typeNamedZeroRPCIsRejected() {
        #expect(
            errors("struct ZeroRPC { x: int }") == [
                "main.rpc:1:8: error: `ZeroRPC` cannot be used as a struct name: it is the name of the runtime module that generated code refers to"
            ])
    }

    @Test func typeNamesThatGeneratedCodeWouldShadowAreRejected() {
        #expect(
            errors("struct Client { x: int }\nenum String { a }") == [
                "main.rpc:1:8: error: `Client` cannot be used as a struct name: every service generates a nested `Client` struct that would shadow it",
                "main.rpc:2:6: error: `String` cannot be used as an enum name: it would shadow Swift's `String`",
            ])
    }

    @Test func typeNamesTheEventSendersWouldShadowAreRejected() {
        #expect(
            errors("struct Publisher { x: int }\nenum Events { a }") == [
                "main.rpc:1:8: error: `Publisher` cannot be used as a struct name: every service with one-way methods generates a nested `Publisher` that would shadow it",
                "main.rpc:2:6: error: `Events` cannot be used as an enum name: every service with one-way methods generates a nested `Events` struct that would shadow it",
            ])
    }

    @Test func builtinTypeNamesCannotBeRedeclared() {
        #expect(
            errors("struct int { x: bool }") == [
                "main.rpc:1:8: error: `int` is a built-in type and cannot be redeclared"
            ])
    }

    @Test func mapKeyMustBeStringIntOrEnum() {
        #expect(
            errors("struct P { m: {double: int} }") == [
                "main.rpc:1:16: error: map keys must be `string`, `int` or an enum, not `double`"
            ])
        #expect(errors("enum E { a }\nstruct P { m: {E: int}, n: {int: E}, o: {string: [int]} }") == [])
    }

    @Test func structContainingItselfIsReported() {
        #expect(
            errors("struct Node { value: int, next: Node }") == [
                "main.rpc:1:27: error: `Node` contains itself through the non-optional fields `next`; make one of them optional or a list"
            ])
    }

    @Test func cycleThroughSeveralStructsIsReportedOnce() {
        #expect(
            errors("struct A { b: B }\nstruct B { c: C }\nstruct C { a: A }") == [
                "main.rpc:1:12: error: `A` contains itself through the non-optional fields `b` -> `c` -> `a`; make one of them optional or a list"
            ])
    }

    @Test func optionalsAndListsBreakCycles() {
        #expect(errors("struct Node { next: Node?, children: [Node], named: {string: Node} }") == [])
    }

    @Test(arguments: [
        (
            "x: int = \"one\"",
            "main.rpc:1:21: error: invalid default value for type `int`: expected an integer, found a string"
        ),
        ("x: int = 9223372036854775808", "main.rpc:1:21: error: integer `9223372036854775808` does not fit in `int`"),
        ("x: uint = -1", "main.rpc:1:22: error: integer `-1` does not fit in `uint`"),
        (
            "x: bool = 1",
            "main.rpc:1:22: error: invalid default value for type `bool`: expected `true` or `false`, found `1`"
        ),
        (
            "x: double = true",
            "main.rpc:1:24: error: invalid default value for type `double`: expected a number, found `true`"
        ),
        (
            "x: string = 3",
            "main.rpc:1:24: error: invalid default value for type `string`: expected a string in quotes, found `3`"
        ),
        (
            "x: [int] = [1, \"a\"]",
            "main.rpc:1:27: error: invalid default value for type `int`: expected an integer, found a string"
        ),
        (
            "x: {string: int} = [1]",
            "main.rpc:1:31: error: invalid default value for type `{string: int}`: expected a map in `{ }`, found a list"
        ),
        ("x: {string: int} = {\"a\": 1, \"a\": 2}", "main.rpc:1:40: error: duplicate key `\"a\"` in the map literal"),
        (
            "x: int = nil",
            "main.rpc:1:21: error: invalid default value for type `int`: expected an integer, found `nil`"
        ),
        (
            "x: bytes = \"ab\"",
            "main.rpc:1:23: error: a field of type `bytes` cannot have a default value (only `nil` when it is optional)"
        ),
        (
            "x: double = 1e999",
            "main.rpc:1:24: error: invalid default value for type `double`: expected a finite number, found `inf`"
        ),
        ("x: E = hgh", "main.rpc:1:19: error: enum `E` has no case `hgh`; did you mean `high`?"),
    ])
    func invalidDefaultValues(field: String, expected: String) {
        #expect(errors("struct P { \(field) }\nenum E { low, high }") == [expected])
    }

    @Test func validDefaultValuesBecomeTypedValues() {
        let file = checkedFile(
            "enum E { low, high }\nstruct P { a: int = -1, b: uint = 7, c: double = 2, d: E = high, e: string? = nil, f: [E] = [low], g: {int: bool} = {1: true}, h: float? = 0.5 }"
        )
        guard case .structure(let definition)? = file?.types.last else {
            Issue.record("expected a struct")
            return
        }
        #expect(
            definition.fields.map(\.defaultValue) == [
                .int(-1), .uint(7), .double(2), .enumCase(Name(memberName: "high")), .nil,
                .array([.enumCase(Name(memberName: "low"))]), .map([.init(key: .int(1), value: .bool(true))]),
                .double(0.5),
            ])
    }

    @Test func unknownAttributeListsTheKnownOnes() {
        #expect(
            errors("@deferrd struct P {}") == [
                "main.rpc:1:1: error: unknown attribute `@deferrd`; did you mean `@deferred`?; known attributes: `@deferred`, `@deprecated`"
            ])
    }

    @Test func deferredAppliesOnlyToMethods() {
        #expect(
            errors("struct P { @deferred x: int }") == [
                "main.rpc:1:12: error: `@deferred` applies only to methods, not to a field"
            ])
    }

    @Test func deprecationIsKeptWithItsMessage() {
        let file = checkedFile("@deprecated(\"use Q\") struct P { @deprecated x: int }")
        guard case .structure(let definition)? = file?.types.first else {
            Issue.record("expected a struct")
            return
        }
        #expect(definition.deprecation == Deprecation(message: "use Q"))
        #expect(definition.fields.first?.deprecation == Deprecation(message: nil))
    }

    @Test func secondNamespaceInAFileIsAnError() {
        #expect(errors("namespace a\nnamespace b") == ["main.rpc:2:1: error: a file has at most one `namespace`"])
    }

    @Test func duplicateAttributeIsReported() {
        #expect(
            errors("@deprecated @deprecated struct P {}") == ["main.rpc:1:13: error: duplicate attribute `@deprecated`"]
        )
    }

    @Test func deferredTakesNoArgument() {
        #expect(
            errors("service S { @deferred(\"x\") f() -> int }") == [
                "main.rpc:1:13: error: `@deferred` takes no argument"
            ])
    }

    @Test func namesSwiftCannotUseEvenEscapedAreRejected() {
        #expect(
            errors("struct P { self: int, hash_value: int }\nenum E { allCases, Self }\nservice S { f(self: int) }")
                == [
                    "main.rpc:1:12: error: `self` cannot be a field name: in Swift it would shadow `self`; rename it",
                    "main.rpc:1:23: error: `hash_value` cannot be a field name: it would clash with `Hashable.hashValue` of the generated struct; rename it",
                    "main.rpc:2:10: error: `allCases` cannot be a case name: it would clash with `CaseIterable.allCases` of the generated enum; rename it",
                    "main.rpc:2:20: error: `Self` cannot be a case name: in Swift it would shadow `self`; rename it",
                    "main.rpc:3:15: error: `self` cannot be a parameter name: in Swift it would shadow `self`; rename it",
                ])
    }
}
