import ZeroRPC
import ZeroRPCTestSupport

/// The stream and generator parts of `Tests/ZeroRPCCodeGenTests/Golden/calculator.swift`,
/// copied as the generator emits them (namespace renamed), so the generated shapes are
/// proven to compile against the runtime and to work end to end.
enum StreamingCalculator {
    protocol Service: ZeroRPC.RegistrableService {
        func count(to: Int64, stream: ZeroRPC.StreamWriter<Int64>, context: ZeroRPC.ServerContext) async throws

        func runningTotal(
            generator: ZeroRPC.GeneratorContext<Int64, Int64>,
            context: ZeroRPC.ServerContext
        ) async throws
    }

    protocol ClientProtocol: Sendable {
        func count(to: Int64, options: ZeroRPC.CallOptions) async throws -> ZeroRPC.ResponseStream<Int64>

        func runningTotal(options: ZeroRPC.CallOptions) async throws -> ZeroRPC.Generator<Int64, Int64>
    }

    struct Client: ClientProtocol {
        let client: ZeroRPC.Client

        init(_ client: ZeroRPC.Client) {
            self.client = client
        }

        func count(to: Int64, options: ZeroRPC.CallOptions) async throws -> ZeroRPC.ResponseStream<Int64> {
            try await self.client.stream(
                "calc.count", options: options, declaredErrors: [],
                arguments: { writer in
                    writer.writeArrayHeader(1)
                    writer.write(to)
                },
                element: Int64.self
            )
        }

        func runningTotal(options: ZeroRPC.CallOptions) async throws -> ZeroRPC.Generator<Int64, Int64> {
            try await self.client.generator(
                "calc.running_total", options: options, declaredErrors: [],
                arguments: { writer in writer.writeArrayHeader(0) },
                yield: Int64.self, sent: Int64.self
            )
        }
    }
}

extension StreamingCalculator.Service {
    static var namespace: String? { "calc" }

    static var interfaceDefinition: String {
        #"""
        service Calculator {
            count(to: int) -> stream int               // server stream (generator)
            running_total() -> generator<int, int>     // two-way: yields int, receives int
        }
        """#
    }

    var methods: [ZeroRPC.ServiceMethod] {
        [
            .stream(
                "count",
                parameters: [.init(name: "to")],
                doc: nil,
                element: Int64.self
            ) { arguments, stream, context in
                let to = try arguments.next(Int64.self, name: "to")
                try arguments.finish()
                try await self.count(to: to, stream: stream, context: context)
            },
            .generator(
                "running_total",
                parameters: [],
                doc: nil,
                yield: Int64.self,
                sent: Int64.self
            ) { arguments, generator, context in
                try arguments.finish()
                try await self.runningTotal(generator: generator, context: context)
            },
        ]
    }
}

extension StreamingCalculator.ClientProtocol {
    func count(to: Int64) async throws -> ZeroRPC.ResponseStream<Int64> {
        try await count(to: to, options: .defaults)
    }

    func runningTotal() async throws -> ZeroRPC.Generator<Int64, Int64> {
        try await runningTotal(options: .defaults)
    }
}

/// The implementation the tests serve: `count` streams 1...to, `runningTotal` adds what
/// it is sent. Both record how they ended.
struct CountingCalculator: StreamingCalculator.Service {
    let events = HandlerEvents()

    func count(to: Int64, stream: StreamWriter<Int64>, context: ServerContext) async throws {
        events.started.open()
        do {
            var n: Int64 = 1
            while n <= to {
                try await stream.write(n)
                events.written.increment()
                n += 1
            }
        } catch is CancellationError {
            events.cancelled.open()
            throw CancellationError()
        }
    }

    func runningTotal(generator: GeneratorContext<Int64, Int64>, context: ServerContext) async throws {
        events.started.open()
        defer { events.cleanedUp.open() }
        var total: Int64 = 0
        while true {
            do {
                let sent = try await generator.yield(total)
                total += sent ?? 0
            } catch let error as RemoteThrow where error.name == "Reset" {
                total = 0
            } catch is CancellationError {
                events.cancelled.open()
                throw CancellationError()
            }
        }
    }
}

/// What a test handler went through, as events a test can await.
final class HandlerEvents: Sendable {
    let started = TestGate()
    let cancelled = TestGate()
    let cleanedUp = TestGate()
    let written = TestCounter()
}
