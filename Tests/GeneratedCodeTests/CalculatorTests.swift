import Testing
import ZeroRPC

/// `Schemas/calculator.rpc` served by a generated `Calculator.Service` and called through `Calculator.Client`.
struct CalculatorImplementation: Calculator.Service {
    let logged = Recorder<String>()

    func add(a: Int64, b: Int64, context: ServerContext) async throws -> Int64 { a + b }

    func divide(a: Double, b: Double, context: ServerContext) async throws -> Double {
        guard b != 0 else { throw DivisionByZero(dividend: a) }
        return a / b
    }

    func log(line: String, context: ServerContext) async throws {
        logged.record(line)
    }

    func centroid(points: [Point], context: ServerContext) async throws -> Point {
        let count = Double(max(points.count, 1))
        return Point(
            x: points.map(\.x).reduce(0, +) / count, y: points.map(\.y).reduce(0, +) / count, label: "centroid",
            meta: ["count": Int64(points.count)])
    }

    func factor(n: Int64, context: ServerContext) async throws -> [Int64] {
        var factors: [Int64] = []
        var rest = n
        var divisor: Int64 = 2
        while rest > 1 {
            while rest % divisor == 0 {
                factors.append(divisor)
                rest /= divisor
            }
            divisor += 1
        }
        return factors
    }
}

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
            try await waitUntil { implementation.logged.values == ["hello"] }
        }
    }

    @Test func serviceAnnouncesNamespaceAndInterface() {
        #expect(CalculatorImplementation.namespace == "calc")
        #expect(CalculatorImplementation.interfaceDefinition.hasPrefix("service Calculator {"))
        #expect(CalculatorImplementation().methods.map(\.name) == ["add", "divide", "log", "centroid", "factor"])
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
            func factor(n: Int64, options: CallOptions) async throws -> [Int64] { [] }
        }
        let client: any Calculator.ClientProtocol = Mock()
        #expect(try await client.add(a: 1, b: 2) == -1)
    }
}
