import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix

/// grpc-swift-2 unary calls over HTTP/2 on loopback, for zerorpc-bench.
///
///     grpc-baseline serve                      prints READY 127.0.0.1:PORT, exits when stdin closes
///     grpc-baseline client PORT [--calls N] [--concurrency C] [--concurrent-calls M] [--records N]
///                                  [--warmup W]
///
/// `client` makes W sequential `Add` calls untimed (default 1; zerorpc-bench passes the
/// warm-up every implementation gets), N timed sequential `Add` calls, then M (default
/// 5N) calls from C concurrent callers, then (with --records N) N sequential `EchoRecords`
/// of 100 records, and prints one JSON line.
@main
struct GRPCBaseline {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            switch arguments.first {
            case "serve": try await serve()
            case "client": try await runClient(try ClientArguments(Array(arguments.dropFirst())))
            default: throw UsageError(message: "usage: grpc-baseline serve | client PORT [--calls N] ...")
            }
        } catch {
            FileHandle.standardError.write(Data("grpc-baseline: \(error)\n".utf8))
            exit(1)
        }
    }

    static func serve() async throws {
        let server = GRPCServer(
            transport: .http2NIOPosix(address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: .plaintext),
            services: [BenchService()])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            guard let address = try await server.listeningAddress?.ipv4 else {
                throw UsageError(message: "the server did not bind an IPv4 address")
            }
            FileHandle.standardOutput.write(Data("READY \(address.host):\(address.port)\n".utf8))
            Thread.detachNewThread {
                var buffer = [UInt8](repeating: 0, count: 256)
                while read(0, &buffer, buffer.count) > 0 {}
                exit(0)
            }
        }
    }

    static func runClient(_ arguments: ClientArguments) async throws {
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: arguments.port), transportSecurity: .plaintext)
        let report = try await withGRPCClient(transport: transport) { client in
            try await measure(client, arguments)
        }
        let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

    static func measure(
        _ client: GRPCClient<HTTP2ClientTransport.Posix>, _ arguments: ClientArguments
    ) async throws -> [String: Double] {
        for index in 0..<max(1, arguments.warmup) { _ = try await client.add(Int64(index), 1) }
        let clock = ContinuousClock()
        var latencies: [Duration] = []
        latencies.reserveCapacity(arguments.calls)
        var started = clock.now
        for index in 0..<arguments.calls {
            let began = clock.now
            let sum = try await client.add(Int64(index), 1)
            latencies.append(clock.now - began)
            guard sum == Int64(index) + 1 else { throw UsageError(message: "add(\(index), 1) = \(sum)") }
        }
        let sequentialSeconds = seconds(clock.now - started)
        latencies.sort()

        var report: [String: Double] = [
            "sequential_calls": Double(arguments.calls),
            "sequential_per_s": Double(arguments.calls) / sequentialSeconds,
            "sequential_p50_us": percentile(latencies, 0.5),
            "sequential_p99_us": percentile(latencies, 0.99),
        ]

        if arguments.concurrency > 0 {
            let perCaller = max(1, (arguments.concurrentCalls ?? arguments.calls * 5) / arguments.concurrency)
            started = clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<arguments.concurrency {
                    group.addTask {
                        for index in 0..<perCaller {
                            let sum = try await client.add(Int64(lane), Int64(index))
                            guard sum == Int64(lane + index) else { throw UsageError(message: "add = \(sum)") }
                        }
                    }
                }
                try await group.waitForAll()
            }
            report["concurrency"] = Double(arguments.concurrency)
            report["concurrent_per_s"] = Double(perCaller * arguments.concurrency) / seconds(clock.now - started)
        }

        if arguments.records > 0 {
            let records = (0..<100).map(Record.sample)
            _ = try await client.echoRecords(records)
            started = clock.now
            for _ in 0..<arguments.records {
                let echoed = try await client.echoRecords(records)
                guard echoed == records else { throw UsageError(message: "EchoRecords changed the records") }
            }
            report["records_calls"] = Double(arguments.records)
            report["records_per_s"] = Double(arguments.records) / seconds(clock.now - started)
        }
        return report
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    static func percentile(_ sorted: [Duration], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return seconds(sorted[min(sorted.count - 1, Int(fraction * Double(sorted.count)))]) * 1e6
    }
}

struct ClientArguments {
    var port: Int
    var calls = 2_000
    var concurrency = 64
    var records = 0
    /// Untimed sequential calls before the timed ones.
    var warmup = 1
    /// Calls of the concurrent phase; nil: five times `calls`.
    var concurrentCalls: Int?

    init(_ arguments: [String]) throws {
        guard let first = arguments.first, let port = Int(first) else {
            throw UsageError(message: "client needs the server's PORT first")
        }
        self.port = port
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            guard let text = rest.popFirst(), let value = Int(text), value >= 0 else {
                throw UsageError(message: "\(flag) needs a non-negative number")
            }
            switch flag {
            case "--calls": calls = max(1, value)
            case "--concurrency": concurrency = value
            case "--records": records = value
            case "--warmup": warmup = value
            case "--concurrent-calls": concurrentCalls = max(1, value)
            default: throw UsageError(message: "unknown option \(flag)")
            }
        }
    }
}

struct UsageError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
