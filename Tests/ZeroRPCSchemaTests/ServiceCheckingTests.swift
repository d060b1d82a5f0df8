import Testing
import ZeroRPCSchema

/// Semantic rules for services and methods.
@Suite struct ServiceCheckingTests {
    @Test(arguments: ["context", "options", "stream", "generator"])
    func reservedParameterNamesAreRejectedWithTheReason(name: String) {
        let found = errors("service S { f(\(name): int) }")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("main.rpc:1:15: error: `\(name)` is reserved as a parameter name: ") == true)
        #expect(found.first?.hasSuffix("; rename it") == true)
    }

    @Test func contextReasonNamesTheGeneratedParameter() {
        #expect(errors("service S { f(context: int) }") == [
            "main.rpc:1:15: error: `context` is reserved as a parameter name: the generated `Service` methods take a `context:` parameter; rename it"
        ])
    }

    @Test func duplicateMethod() {
        #expect(diagnostics("service S {\n    f()\n    f(x: int)\n}") == [
            "main.rpc:3:5: error: duplicate method `f` in service `S`",
            "main.rpc:2:5: note: `f` first declared here",
        ])
    }

    @Test func duplicateParameter() {
        #expect(errors("service S { f(x: int, x: int) }") == ["main.rpc:1:23: error: duplicate parameter `x` in method `f`"])
    }

    @Test func methodsCollidingAfterCamelCase() {
        #expect(errors("service S {\n    get_user()\n    getUser()\n}") == [
            "main.rpc:3:5: error: method `getUser` in service `S` has the same Swift name `getUser` as `get_user`"
        ])
    }

    @Test func deferredMethodCollidesWithGeneratedStartName() {
        #expect(diagnostics("service S {\n    start_factor()\n    @deferred factor(n: int) -> int\n}") == [
            "main.rpc:3:15: error: `@deferred` method `factor` generates `startFactor`, which is also the Swift name of method `start_factor`",
            "main.rpc:2:5: note: `start_factor` declared here",
        ])
    }

    @Test func methodCollidesWithGeneratedResumeName() {
        #expect(errors("service S {\n    @deferred factor() -> int\n    resumeFactor()\n}") == [
            "main.rpc:3:5: error: method `resumeFactor` in service `S` has the same Swift name `resumeFactor` as `factor`"
        ])
    }

    @Test func onewayCannotStream() {
        #expect(errors("service S { oneway f() -> stream int }") == [
            "main.rpc:1:27: error: a `oneway` method cannot return a `stream`"
        ])
    }

    @Test func onewayCannotBeAGenerator() {
        #expect(errors("service S { oneway f() -> generator<int, int> }") == [
            "main.rpc:1:27: error: a `oneway` method cannot return a `generator`"
        ])
    }

    @Test func onewayReturnsNothing() {
        #expect(errors("service S { oneway f() -> int }") == [
            "main.rpc:1:27: error: a `oneway` method returns nothing; remove `-> int`"
        ])
    }

    @Test func onewayCannotThrow() {
        #expect(errors("error E {}\nservice S { oneway f() throws E }") == [
            "main.rpc:2:31: error: a `oneway` method cannot throw declared errors: its caller never sees them"
        ])
    }

    @Test func deferredNeedsASingleResult() {
        #expect(errors("service S { @deferred f() -> stream int }") == [
            "main.rpc:1:30: error: `@deferred` applies only to methods with a single result, not to a `stream`"
        ])
        #expect(errors("service S { @deferred oneway f() }") == [
            "main.rpc:1:30: error: a `oneway` method cannot be `@deferred`: there is no result to defer"
        ])
    }

    @Test func throwsMustNameAnErrorType() {
        #expect(errors("struct Point { x: int }\nservice S { f() throws Point }") == [
            "main.rpc:2:24: error: `Point` is a struct, not an error; only `error` types can follow `throws`"
        ])
    }

    @Test func throwsUnknownErrorSuggestsAnErrorType() {
        #expect(errors("error DivisionByZero {}\nservice S { f() -> int throws DivisionByZro }") == [
            "main.rpc:2:31: error: unknown error type `DivisionByZro`; did you mean `DivisionByZero`?"
        ])
    }

    @Test func throwsListedTwice() {
        #expect(errors("error E {}\nservice S { f() throws E, E }") == [
            "main.rpc:2:27: error: `E` is listed twice after `throws`"
        ])
    }

    @Test func requiredParameterAfterOptionalOne() {
        #expect(errors("service S { f(a: int = 1, b: int) }") == [
            "main.rpc:1:27: error: required parameter `b` cannot follow `a`, which callers may leave out; arguments are positional"
        ])
    }

    @Test func protocolMethodNamesAreReserved() {
        #expect(errors("service S { _zerorpc_ping() }") == [
            "main.rpc:1:13: error: method names starting with `_zpc_` or `_zerorpc_` are reserved for the protocol"
        ])
    }

    @Test func servicesInOneNamespaceCannotShareAWireName() {
        #expect(errors("namespace calc\nservice A { add() }\nservice B { add() }") == [
            "main.rpc:3:13: error: wire name `calc.add` of service `B` is also exposed by service `A` in `main.rpc`; give one of them another namespace"
        ])
    }

    @Test func servicesInDifferentNamespacesMayShareMethodNames() {
        #expect(errors("namespace a\nservice A { add() }", files: [:]) == [])
        let twoFiles = errors(
            "namespace a\nimport \"b.rpc\"\nservice A { add() }", files: ["b.rpc": "namespace b\nservice B { add() }"])
        #expect(twoFiles == [])
    }

    @Test func calculatorModelMatchesTheDesign() {
        let file = checkedFile(
            """
            namespace calc
            error DivisionByZero { dividend: double }
            service Calculator {
                /// Adds two integers.
                add(a: int, b: int) -> int
                divide(a: double, b: double) -> double throws DivisionByZero
                oneway log(line: string)
                count(to: int) -> stream int
                running_total() -> generator<int, int>
                @deferred factor(n: int) -> [int]
            }
            """)
        let service = file?.services.first
        #expect(service?.namespace == "calc")
        #expect(service?.methods.map { $0.wireName(namespace: service?.namespace) } == [
            "calc.add", "calc.divide", "calc.log", "calc.count", "calc.running_total", "calc.factor",
        ])
        #expect(service?.methods.map(\.name.swift) == ["add", "divide", "log", "count", "runningTotal", "factor"])
        #expect(service?.methods.map(\.kind) == [
            .unary(returns: .int), .unary(returns: .double), .oneway, .stream(.int),
            .generator(yield: .int, sent: .int), .unary(returns: .array(.int)),
        ])
        #expect(service?.methods.map(\.isDeferred) == [false, false, false, false, false, true])
        #expect(service?.methods[1].errors == ["DivisionByZero"])
        #expect(service?.methods.first?.documentation == ["Adds two integers."])
        #expect(service?.interfaceDefinition.hasPrefix("service Calculator {") == true)
        #expect(service?.interfaceDefinition.hasSuffix("-> [int]\n}") == true)
    }
}
