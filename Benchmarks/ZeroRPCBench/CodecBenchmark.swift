import ArgumentParser
import Foundation
import ZeroRPC

/// `zerorpc-bench codec`: the struct-heavy echo payload (100 `BenchRecord`s) encoded and
/// decoded in-process, with no sockets, so the generated codecs and the MessagePack
/// reader and writer can be measured alone (and counted under callgrind reproducibly).
struct CodecLoop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codec",
        abstract: "Encode and decode the struct-heavy payload (100 records) N times; print ops/s, bytes, mallocs.",
        discussion: """
            One op is what one echo_records call costs in codec work on one side: the
            arguments `[records]` encoded, then decoded back into `[BenchRecord]`.
            Allocations per op need the malloc counter preloaded:
              LD_PRELOAD=Benchmarks/Baselines/c/bin/libmalloc_count.so zerorpc-bench codec
            """)

    @Option(help: "How many encode+decode ops.") var ops = 20_000
    @Option(help: "Records per payload.") var records = 100
    @Option(help: "What to measure: both (encode then decode), encode, or decode.") var phase = CodecPhase.both

    func run() throws {
        let payload = (0..<records).map(BenchRecord.sample)
        let encoded = CodecLoop.encode(payload)
        guard try CodecLoop.decode(encoded) == payload else {
            throw BenchmarkError.wrongResult("the records did not survive a round trip")
        }
        // Warm-up, so lazy globals and the allocator's caches are not counted.
        for _ in 0..<min(ops, 1_000) { try once(payload, encoded) }
        let mallocsBefore = MallocCounter.allocations
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<ops { try once(payload, encoded) }
        let seconds = (clock.now - started).seconds
        let mallocs = MallocCounter.allocations.flatMap { after in
            mallocsBefore.map { Double(after - $0) / Double(ops) }
        }
        print(
            String(
                format: "codec %@: %d ops of %d records, %d bytes: %.0f ops/s, %@ mallocs/op", phase.rawValue, ops,
                records, encoded.count, Double(ops) / seconds, mallocs.map { String(format: "%.2f", $0) } ?? "n/a"))
    }

    private func once(_ payload: [BenchRecord], _ encoded: [UInt8]) throws {
        switch phase {
        case .both:
            guard try CodecLoop.decode(CodecLoop.encode(payload)).count == payload.count else {
                throw BenchmarkError.wrongResult("decoded a different number of records")
            }
        case .encode:
            guard CodecLoop.encode(payload).count == encoded.count else {
                throw BenchmarkError.wrongResult("encoded a different size")
            }
        case .decode:
            guard try CodecLoop.decode(encoded).count == payload.count else {
                throw BenchmarkError.wrongResult("decoded a different number of records")
            }
        }
    }

    /// The arguments of one `echo_records` call, as the generated client writes them.
    static func encode(_ records: [BenchRecord]) -> [UInt8] {
        var writer = MessagePackWriter()
        writer.writeArrayHeader(1)
        writer.write(records)
        return writer.bytes
    }

    /// The argument array back into records, as the generated method table reads it.
    static func decode(_ bytes: [UInt8]) throws -> [BenchRecord] {
        var reader = MessagePackReader(bytes: bytes)
        guard try reader.readArrayHeader() == 1 else {
            throw BenchmarkError.wrongResult("the arguments are not one value")
        }
        return try reader.read([BenchRecord].self)
    }
}

enum CodecPhase: String, ExpressibleByArgument, CaseIterable {
    case both, encode, decode
}
