import Testing
import ZeroRPC
import ZeroRPCTestSupport

/// `Schemas/calculator.rpc` served by a generated `Calculator.Service` and called through
/// `Calculator.Client`: the unary and one-way calls. Streams, generators and deferred
/// calls are in `CalculatorStreamTests` and `CalculatorDeferredTests`.
@Suite struct CalculatorTests {
    @Test(arguments: Transport.allCases)
    func unaryCallsReturnTypedResults(transport: Transport) async throws {
        try await GeneratedServiceFixture.with(CalculatorImplementation(), over: transport) { connection in
            let calculator = Calculator.Client(connection)
            let sum = try await calculator.add(a: 2, b: 40)
            let quotient = try await calculator.divide(a: 1, b: 4)
            let factors = try await calculator.factor(n: 84)
            #expect(sum == 42)
            #expect(quotient == 0.25)
            #expect(factors == [2, 2, 3, 7])
        }
    }

    @Test func declaredErrorArrivesAsItsGeneratedType() async throws {
        try await GeneratedServiceFixture.with(CalculatorImplementation(), over: .inproc) { connection in
            let calculator = Calculator.Client(connection)
            await #expect(throws: DivisionByZero(dividend: 3)) {
                try await calculator.divide(a: 3, b: 0)
            }
        }
    }

    @Test func structsWithOptionalsDefaultsAndMapsRoundTrip() async throws {
        try await GeneratedServiceFixture.with(CalculatorImplementation(), over: .inproc) { connection in
            let calculator = Calculator.Client(connection)
            let points = [Point(x: 0, y: 0, meta: [:]), Point(x: 2, y: 4, label: "b", tags: ["t"], meta: ["k": 1])]
            let centroid = try await calculator.centroid(points: points, options: CallOptions(timeout: .seconds(60)))
            #expect(centroid == Point(x: 1, y: 2, label: "centroid", tags: [], meta: ["count": 2]))
        }
    }

    @Test func onewayCallReachesTheHandler() async throws {
        let implementation = CalculatorImplementation()
        try await GeneratedServiceFixture.with(implementation, over: .inproc) { connection in
            try await Calculator.Client(connection).log(line: "hello")
            try await waitUntil { implementation.logged.recorded == ["hello"] }
        }
    }

    @Test func serviceAnnouncesNamespaceAndInterface() {
        #expect(CalculatorImplementation.namespace == "calc")
        // The whole IDL a tool needs: namespace, the types the service uses, the service.
        let idl = CalculatorImplementation.interfaceDefinition
        #expect(idl.hasPrefix("namespace calc\n\nstruct Point {"))
        #expect(idl.contains("error DivisionByZero { dividend: double }"))
        #expect(!idl.contains("enum Rounding"))
        #expect(idl.contains("\n\nservice Calculator {"))
        #expect(
            CalculatorImplementation().methods.map(\.name) == [
                "add", "divide", "log", "centroid", "count", "running_total", "factor",
            ])
    }

    @Test func wireNamesCarryTheNamespace() async throws {
        try await GeneratedServiceFixture.with(CalculatorImplementation(), over: .inproc) { connection in
            let sum = try await connection.call("calc.add", [.int(1), .int(2)])
            #expect(sum == .int(3))
        }
    }

    @Test func clientProtocolCanBeMocked() async throws {
        struct Mock: Calculator.ClientProtocol {
            func add(a: Int64, b: Int64, options: CallOptions) async throws -> Int64 { -1 }
            func divide(a: Double, b: Double, options: CallOptions) async throws -> Double { -1 }
            func log(line: String, options: CallOptions) async throws {}
            func centroid(points: [Point], options: CallOptions) async throws -> Point { Point(x: 0, y: 0, meta: [:]) }
            func count(to: Int64, options: CallOptions) async throws -> ResponseStream<Int64> {
                ResponseStream(1...to)
            }
            func runningTotal(options: CallOptions) async throws -> ZeroRPC.Generator<Int64, Int64> {
                throw RPCError.closed
            }
            func factor(n: Int64, options: CallOptions) async throws -> [Int64] {
                try await startFactor(n: n, options: options).value
            }
            func startFactor(n: Int64, options: CallOptions) async throws -> Deferred<[Int64]> { Deferred(result: [n]) }
            func resumeFactor(token: DeferredToken) -> Deferred<[Int64]> {
                Deferred(failure: RPCError.deferredNotFound(token))
            }
        }
        let client: any Calculator.ClientProtocol = Mock()
        #expect(try await client.add(a: 1, b: 2) == -1)
        #expect(try await client.factor(n: 7) == [7])
        #expect(try await client.startFactor(n: 7).token == nil)
        var counted: [Int64] = []
        for try await n in try await client.count(to: 3) { counted.append(n) }
        #expect(counted == [1, 2, 3])
    }
}
