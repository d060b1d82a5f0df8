import Synchronization

/// Makes `message_id`s shaped like Python zerorpc's: 32 ASCII hex digits sent as msgpack
/// bin8 — an 8-digit counter followed by a random 24-digit per-process base.
final class MessageIDGenerator: Sendable {
    static let shared = MessageIDGenerator()

    private let counter: Atomic<UInt32>
    private let base: [UInt8]

    /// - Parameter start: the counter's first value; random by default, as zerorpc's is.
    ///   The counter wraps from `UInt32.max` to 0: a long-lived process sends more than
    ///   2^32 messages, and an id only has to differ from the ids still in flight.
    init(start: UInt32 = .random(in: .min ... .max)) {
        counter = Atomic(start)
        var generator = SystemRandomNumberGenerator()
        base = (0..<24).map { _ in MessageIDGenerator.hexDigits[Int(generator.next() % 16)] }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// How many bytes an encoded id takes: `c4 20` + 32 digits.
    static let encodedCount = 34

    /// The raw msgpack encoding of a fresh id (`c4 20` + 32 bytes).
    func next() -> [UInt8] {
        var id: [UInt8] = []
        id.reserveCapacity(Self.encodedCount)
        append(to: &id)
        return id
    }

    /// Appends the raw msgpack encoding of a fresh id to `bytes`.
    func append(to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(byteCount: Self.encodedCount, alignment: 1) { id in
            // Non-nil: a temporary allocation of a non-zero size.
            write(into: id.baseAddress.unsafelyUnwrapped)
            bytes.append(contentsOf: id)
        }
    }

    /// Appends the raw msgpack encoding of a fresh id to `writer`.
    func append(to writer: inout MessagePackWriter) {
        write(into: writer.claim(Self.encodedCount))
    }

    /// Writes a fresh id's `encodedCount` bytes at `address`.
    func write(into address: UnsafeMutableRawPointer) {
        let value = counter.wrappingAdd(1, ordering: .relaxed).newValue
        let id = address.assumingMemoryBound(to: UInt8.self)
        id[0] = 0xc4
        id[1] = 0x20
        for digit in 0..<8 {
            id[2 + digit] = Self.hexDigits[Int((value >> UInt32(28 - 4 * digit)) & 0xf)]
        }
        base.withUnsafeBytes { base in
            // Non-nil: `base` always holds 24 digits.
            (address + 10).copyMemory(from: base.baseAddress.unsafelyUnwrapped, byteCount: 24)
        }
    }
}
