import ZeroRPC
import ZeroRPCTestSupport

/// An IDL-declared error as the generator would emit it.
struct DivisionByZero: DeclaredError, Equatable, CustomStringConvertible {
    static let wireName = "DivisionByZero"
    var dividend: Double

    init(dividend: Double) { self.dividend = dividend }

    init(from reader: inout MessagePackReader) throws {
        var dividend: Double?
        for _ in 0..<(try reader.readMapHeader()) {
            if try reader.readString() == "dividend" {
                dividend = try reader.readDouble()
            } else {
                try reader.skipValue()
            }
        }
        guard let dividend else { throw MessagePackDecodingError(expected: "map with key \"dividend\"", found: "map") }
        self.dividend = dividend
    }

    func encode(to writer: inout MessagePackWriter) {
        writer.writeMapHeader(1)
        writer.write("dividend")
        writer.write(dividend)
    }

    var description: String { "division of \(dividend) by zero" }
}

/// A service shaped like generated code: namespace `calc`, unary, one-way, declared error.
struct Calculator: RegistrableService {
    static let namespace: String? = "calc"
    static let interfaceDefinition = "namespace calc\nservice Calculator { add(a: int, b: int = 0) -> int }"

    /// One-way `log` lines wait for this gate, so tests see the OK arrive first.
    let logGate = TestGate()
    let loggedLines = TestRecorder<String>()
    let logged = TestCounter()

    var methods: [ServiceMethod] {
        [
            .unary("add", parameters: [.init(name: "a"), .init(name: "b", default: 0)], doc: "Adds two integers.") {
                arguments, _ in
                let a = try arguments.next(Int64.self, name: "a")
                let b = try arguments.next(Int64.self, name: "b", default: 0)
                try arguments.finish()
                return a + b
            },
            .unary("divide", parameters: [.init(name: "a"), .init(name: "b")], doc: nil) { arguments, _ in
                let a = try arguments.next(Double.self, name: "a")
                let b = try arguments.next(Double.self, name: "b")
                try arguments.finish()
                guard b != 0 else { throw DivisionByZero(dividend: a) }
                return a / b
            },
            .unary("method", parameters: [], doc: nil) { arguments, context in
                try arguments.finish()
                return context.method
            },
            .oneway("log", parameters: [.init(name: "line")], doc: "Records a line.") { [self] arguments, _ in
                let line = try arguments.next(String.self, name: "line")
                try arguments.finish()
                await logGate.wait()
                loggedLines.record(line)
                logged.increment()
            },
        ]
    }
}

extension Client {
    /// `calc.add` through the typed path, as a generated stub calls it.
    func add(_ a: Int64, _ b: Int64, options: CallOptions = .defaults) async throws -> Int64 {
        try await unary(
            "calc.add", options: options, declaredErrors: [],
            arguments: { writer in
                writer.writeArrayHeader(2)
                writer.write(a)
                writer.write(b)
            },
            result: { reader in try reader.readInt64() })
    }

    func divide(_ a: Double, _ b: Double, declaring errors: [any DeclaredError.Type]) async throws -> Double {
        try await unary(
            "calc.divide", options: .defaults, declaredErrors: errors,
            arguments: { writer in
                writer.writeArrayHeader(2)
                writer.write(a)
                writer.write(b)
            },
            result: { reader in try reader.readDouble() })
    }
}
