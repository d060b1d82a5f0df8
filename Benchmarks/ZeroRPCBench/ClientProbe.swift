import Foundation
import ZeroRPC

/// What `zerorpc-bench client --json` measures in its own process, so that its heap
/// allocations and peak RSS are the client's alone.
struct ClientProbeResult: Codable {
    var calls: Int
    var inFlight: Int
    var callsPerSecond: Double
    var p50Microseconds: Double?
    var p99Microseconds: Double?
    /// Heap allocations per call in this process (every thread), with the counter preloaded.
    var clientAllocationsPerCall: Double?
    /// The same in the server, read through its `malloc_count` method.
    var serverAllocationsPerCall: Double?
    var clientPeakRSSMiB: Double?
}

/// Runs `calls` add calls, one at a time or `inFlight` at once, and counts allocations
/// over a second, unrecorded pass of the same calls.
struct ClientProbe {
    let endpoint: String
    let calls: Int
    let inFlight: Int
    /// The client's interceptors (`--observability`).
    var interceptors: [any ClientInterceptor] = []

    func run() async throws -> ClientProbeResult {
        let client = try Client(connect: [endpoint], options: ClientOptions(interceptors: interceptors))
        do {
            let result = try await measure(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }

    private func measure(_ client: Client) async throws -> ClientProbeResult {
        let scenarios = SwiftScenarios(endpoint: endpoint)
        var result = ClientProbeResult(
            calls: calls, inFlight: inFlight, callsPerSecond: 0,
            clientPeakRSSMiB: nil)
        if inFlight > 1 {
            result.callsPerSecond = try await scenarios.pipelinedAdd(client, calls: calls, window: inFlight)
        } else {
            let timed = try await scenarios.sequentialAdd(client, calls: calls)
            (result.callsPerSecond, result.p50Microseconds, result.p99Microseconds) = timed
            try await countAllocations(client, into: &result)
        }
        result.clientPeakRSSMiB = peakResidentMemory(pid: getpid())
        return result
    }

    /// Allocations per sequential call after the timed pass warmed everything up.
    private func countAllocations(_ client: Client, into result: inout ClientProbeResult) async throws {
        guard let clientBefore = MallocCounter.allocations else { return }
        let serverBefore = try await client.serverMallocCount()
        let clientStart = MallocCounter.allocations ?? clientBefore
        for index in 0..<calls { _ = try await client.add(Int64(index), 1) }
        let clientEnd = MallocCounter.allocations ?? clientStart
        result.clientAllocationsPerCall = Double(clientEnd - clientStart) / Double(calls)
        if let serverBefore, let serverAfter = try await client.serverMallocCount() {
            result.serverAllocationsPerCall = Double(serverAfter - serverBefore) / Double(calls)
        }
    }
}
