import Foundation
import ZeroRPC

/// Our side of each scenario: a client in this process against `zerorpc-bench serve`
/// in a child process, over loopback TCP.
struct SwiftScenarios {
    let endpoint: String
    /// Untimed calls on each new client before a scenario times anything (0: only the one
    /// call each scenario always makes first): `add`s, or for `echo` echoes of the same
    /// payload, as the C baselines warm up with round trips of their own kind. The run
    /// passes the warm-up every implementation of a row gets (`BenchmarkRun.warmup`).
    var warmupCalls = 0
    /// Items of an untimed stream on the same client before the timed one (0: none).
    var streamWarmupItems = 0

    /// Runs `body` with a connected client and closes it afterwards, however `body` ends.
    private func withClient<T>(_ body: (Client) async throws -> T) async throws -> T {
        let client = try Client(connect: [endpoint])
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }

    /// `warmupCalls` untimed `add`s on `client`.
    private func warmUp(_ client: Client) async throws {
        for index in 0..<warmupCalls {
            let sum = try await client.add(Int64(index), 1)
            guard sum == Int64(index) + 1 else { throw BenchmarkError.wrongResult("warm-up add = \(sum)") }
        }
    }

    /// One call at a time.
    func sequentialAdd(calls: Int) async throws -> (throughput: Double, p50: Double, p99: Double) {
        try await withClient { client in
            try await warmUp(client)
            return try await sequentialAdd(client, calls: calls)
        }
    }

    func sequentialAdd(
        _ client: Client, calls: Int
    ) async throws -> (
        throughput: Double, p50: Double, p99: Double
    ) {
        try await sequentialAddLoop(client, calls: calls)
    }

    private func sequentialAddLoop(
        _ client: Client, calls: Int
    ) async throws -> (
        throughput: Double, p50: Double, p99: Double
    ) {
        _ = try await client.add(1, 2)
        var latencies = LatencyRecorder(capacity: calls)
        let clock = ContinuousClock()
        let started = clock.now
        for index in 0..<calls {
            let began = LatencyRecorder.now()
            let sum = try await client.add(Int64(index), 1)
            latencies.record(since: began)
            guard sum == Int64(index) + 1 else { throw BenchmarkError.wrongResult("add(\(index), 1) = \(sum)") }
        }
        let elapsed = (clock.now - started).seconds
        return (Double(calls) / elapsed, latencies.percentile(0.5), latencies.percentile(0.99))
    }

    /// One server stream of `count` ints, iterated to the end: items per second.
    func streamInts(count: Int) async throws -> Double {
        try await withClient { client in
            if streamWarmupItems > 0 { _ = try await streamInts(client, count: streamWarmupItems) }
            return try await streamInts(client, count: count)
        }
    }

    private func streamInts(_ client: Client, count: Int) async throws -> Double {
        let clock = ContinuousClock()
        let started = clock.now
        let stream = try await client.stream(
            "count", options: .defaults, declaredErrors: [],
            arguments: { writer in
                writer.writeArrayHeader(1)
                writer.write(Int64(count))
            },
            element: Int64.self)
        var received = 0
        var expected: Int64 = 0
        for try await value in stream {
            guard value == expected else {
                throw BenchmarkError.wrongResult("stream item \(value), expected \(expected)")
            }
            expected += 1
            received += 1
        }
        guard received == count else { throw BenchmarkError.wrongResult("stream ended after \(received) items") }
        return Double(count) / (clock.now - started).seconds
    }

    /// Sequential deferred `add` calls with budget 0: every call is answered `DEFERRED`
    /// and its result fetched with a manual `result()`.
    func deferredAdd(calls: Int) async throws -> (throughput: Double, p50: Double, p99: Double) {
        try await withClient { client in
            try await warmUp(client)
            var latencies = LatencyRecorder(capacity: calls)
            let clock = ContinuousClock()
            let started = clock.now
            for index in 0..<calls {
                let began = LatencyRecorder.now()
                let handle = try await client.startDeferred(
                    "add", options: CallOptions(deferAfter: .zero), declaredErrors: [],
                    arguments: { writer in
                        writer.writeArrayHeader(2)
                        writer.write(Int64(index))
                        writer.write(Int64(1))
                    },
                    result: { reader in try reader.readInt64() })
                let sum = try await handle.result()
                latencies.record(since: began)
                guard sum == Int64(index) + 1 else { throw BenchmarkError.wrongResult("deferred add = \(sum)") }
            }
            let elapsed = (clock.now - started).seconds
            return (Double(calls) / elapsed, latencies.percentile(0.5), latencies.percentile(0.99))
        }
    }

    /// `window` calls in flight on one client socket, `calls` in all.
    func pipelinedAdd(calls: Int, window: Int) async throws -> Double {
        try await withClient { client in
            try await warmUp(client)
            return try await pipelinedAdd(client, calls: calls, window: window)
        }
    }

    func pipelinedAdd(_ client: Client, calls: Int, window: Int) async throws -> Double {
        _ = try await client.add(1, 2)
        let perTask = max(1, calls / window)
        let clock = ContinuousClock()
        let started = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<window {
                group.addTask {
                    for index in 0..<perTask {
                        let sum = try await client.add(Int64(lane), Int64(index))
                        guard sum == Int64(lane + index) else { throw BenchmarkError.wrongResult("add = \(sum)") }
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(perTask * window) / (clock.now - started).seconds
    }

    /// Sequential `echo` of `size` bytes.
    func echo(size: Int, calls: Int) async throws -> (throughput: Double, p50: Double, p99: Double) {
        try await withClient { client in try await echo(client, size: size, calls: calls) }
    }

    private func echo(
        _ client: Client, size: Int, calls: Int
    ) async throws -> (
        throughput: Double, p50: Double, p99: Double
    ) {
        let payload = Data((0..<size).map { UInt8(truncatingIfNeeded: $0) })
        for _ in 0..<max(1, warmupCalls) { _ = try await client.echo(payload) }
        var latencies = LatencyRecorder(capacity: calls)
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<calls {
            let began = LatencyRecorder.now()
            let echoed = try await client.echo(payload)
            latencies.record(since: began)
            guard echoed.count == size else { throw BenchmarkError.wrongResult("echo returned \(echoed.count) bytes") }
        }
        return (Double(calls) / (clock.now - started).seconds, latencies.percentile(0.5), latencies.percentile(0.99))
    }

    /// Sequential `echo_records` of 100 `BenchRecord`s through the generated client.
    func structHeavy(calls: Int) async throws -> (throughput: Double, p50: Double, p99: Double) {
        try await withClient { client in
            try await warmUp(client)
            let bench = RecordBench.Client(client)
            let records = (0..<100).map(BenchRecord.sample)
            _ = try await bench.echoRecords(records: records)
            var latencies = LatencyRecorder(capacity: calls)
            let clock = ContinuousClock()
            let started = clock.now
            for _ in 0..<calls {
                let began = LatencyRecorder.now()
                let echoed = try await bench.echoRecords(records: records)
                latencies.record(since: began)
                guard echoed == records else { throw BenchmarkError.wrongResult("echo_records changed the records") }
            }
            return (
                Double(calls) / (clock.now - started).seconds, latencies.percentile(0.5), latencies.percentile(0.99)
            )
        }
    }

    /// `clients` separate clients (one socket each), each making sequential calls.
    func manyClients(clients: Int, callsPerClient: Int) async throws -> Double {
        var connected: [Client] = []
        for _ in 0..<clients {
            let client = try Client(connect: [endpoint])
            _ = try await client.add(1, 2)
            connected.append(client)
        }
        let clock = ContinuousClock()
        let started = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in connected {
                group.addTask {
                    for index in 0..<callsPerClient { _ = try await client.add(Int64(index), 1) }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = (clock.now - started).seconds
        for client in connected { await client.close() }
        return Double(clients * callsPerClient) / elapsed
    }
}

/// Peak resident memory of a process, from `/proc/<pid>/status` (`VmHWM`), in MiB.
func peakResidentMemory(pid: Int32) -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
    else { return nil }
    return kilobytes / 1024
}
