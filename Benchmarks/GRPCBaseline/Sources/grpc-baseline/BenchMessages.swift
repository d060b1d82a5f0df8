/// The shapes of zerorpc-bench's scenarios: `add(a, b) -> sum` and the struct-heavy
/// `echo_records([Record]) -> [Record]` of `Benchmarks/ZeroRPCBench/bench.rpc`.
struct AddRequest: BinaryMessage {
    var a: Int64
    var b: Int64

    init(a: Int64, b: Int64) {
        self.a = a
        self.b = b
    }

    init(from reader: inout ByteReader) throws {
        a = try reader.readInt64()
        b = try reader.readInt64()
    }

    func encode(to writer: inout ByteWriter) {
        writer.write(a)
        writer.write(b)
    }
}

struct AddReply: BinaryMessage {
    var sum: Int64

    init(sum: Int64) {
        self.sum = sum
    }

    init(from reader: inout ByteReader) throws {
        sum = try reader.readInt64()
    }

    func encode(to writer: inout ByteWriter) {
        writer.write(sum)
    }
}

/// The six-field struct of the struct-heavy scenario.
struct Record: Sendable, Equatable {
    var id: Int64
    var name: String
    var score: Double
    var active: Bool
    var tags: [String]
    var note: String?

    /// The `index`-th record of the list both sides of every implementation send.
    static func sample(_ index: Int) -> Record {
        Record(
            id: Int64(index), name: "record-\(index)", score: Double(index) * 0.5, active: index % 2 == 0,
            tags: ["alpha", "beta"], note: index % 3 == 0 ? nil : "note \(index)")
    }
}

struct RecordList: BinaryMessage {
    var records: [Record]

    init(records: [Record]) {
        self.records = records
    }

    init(from reader: inout ByteReader) throws {
        let count = try reader.readInt64()
        guard (0...1_000_000).contains(count) else { throw reader.invalid("record count \(count)") }
        records = []
        records.reserveCapacity(Int(count))
        for _ in 0..<count {
            let id = try reader.readInt64()
            let name = try reader.readString()
            let score = try reader.readDouble()
            let active = try reader.readBool()
            let tagCount = try reader.readInt64()
            guard (0...1_000_000).contains(tagCount) else { throw reader.invalid("tag count \(tagCount)") }
            var tags: [String] = []
            for _ in 0..<tagCount { tags.append(try reader.readString()) }
            let note = try reader.readBool() ? try reader.readString() : nil
            records.append(Record(id: id, name: name, score: score, active: active, tags: tags, note: note))
        }
    }

    func encode(to writer: inout ByteWriter) {
        writer.write(Int64(records.count))
        for record in records {
            writer.write(record.id)
            writer.write(record.name)
            writer.write(record.score)
            writer.write(record.active)
            writer.write(Int64(record.tags.count))
            for tag in record.tags { writer.write(tag) }
            writer.write(record.note != nil)
            if let note = record.note { writer.write(note) }
        }
    }
}
