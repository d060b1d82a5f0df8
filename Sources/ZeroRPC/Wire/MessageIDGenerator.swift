import Synchronization

/// Makes `message_id`s shaped like Python zerorpc's: 32 ASCII hex digits sent as msgpack
/// bin8 — an 8-digit counter followed by a random 24-digit per-process base.
final class MessageIDGenerator: Sendable {
    static let shared = MessageIDGenerator()

    private let counter: Atomic<UInt32>
    private let base: [UInt8]

    init() {
        counter = Atomic(UInt32.random(in: .min ... .max))
        var generator = SystemRandomNumberGenerator()
        base = (0..<24).map { _ in MessageIDGenerator.hexDigits[Int(generator.next() % 16)] }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The raw msgpack encoding of a fresh id (`c4 20` + 32 bytes).
    func next() -> [UInt8] {
        let value = counter.add(1, ordering: .relaxed).newValue
        var id: [UInt8] = [0xc4, 0x20]
        id.reserveCapacity(34)
        for shift in stride(from: 28, through: 0, by: -4) {
            id.append(Self.hexDigits[Int((value >> UInt32(shift)) & 0xf)])
        }
        id.append(contentsOf: base)
        return id
    }
}
