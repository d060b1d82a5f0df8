import ZeroRPC

/// The server half of the struct-heavy scenario: the generated `RecordBench.Service`.
struct RecordEcho: RecordBench.Service {
    func echoRecords(records: [BenchRecord], context: ServerContext) async throws -> [BenchRecord] {
        records
    }
}

extension BenchRecord {
    /// The `index`-th of the records every implementation sends (the same values as
    /// `Record.sample` in Benchmarks/GRPCBaseline and `sample` in bench_client.py).
    static func sample(_ index: Int) -> BenchRecord {
        BenchRecord(
            id: Int64(index), name: "record-\(index)", score: Double(index) * 0.5, active: index % 2 == 0,
            tags: ["alpha", "beta"], note: index % 3 == 0 ? nil : "note \(index)")
    }
}
