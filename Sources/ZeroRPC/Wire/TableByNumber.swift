/// A dictionary keyed by a number this process hands out itself (a client's call ids, a
/// server's call numbers): its keys skip `Hasher`. No peer chooses them, so no crafted
/// input can make them collide, and mixing in the table's seed (`mixedHash`) spreads
/// them without SipHash, which costs ~90 instructions per insert, lookup and removal,
/// several of each per call.
struct TableByNumber<Value> {
    struct Key: Hashable {
        let number: UInt64

        func hash(into hasher: inout Hasher) { hasher.combine(number) }

        func _rawHashValue(seed: Int) -> Int { mixedHash(number, seed: seed) }
    }

    private var storage: [Key: Value] = [:]

    var count: Int { storage.count }
    var isEmpty: Bool { storage.isEmpty }
    var values: Dictionary<Key, Value>.Values { storage.values }
    /// The numbers in the table, in no particular order.
    var numbers: [UInt64] { storage.keys.map(\.number) }

    subscript(number: UInt64) -> Value? {
        get { storage[Key(number: number)] }
        set { storage[Key(number: number)] = newValue }
    }

    @discardableResult
    mutating func removeValue(forKey number: UInt64) -> Value? {
        storage.removeValue(forKey: Key(number: number))
    }
}

extension TableByNumber: Sequence {
    struct Iterator: IteratorProtocol {
        fileprivate var entries: Dictionary<Key, Value>.Iterator

        mutating func next() -> (number: UInt64, value: Value)? {
            entries.next().map { (number: $0.key.number, value: $0.value) }
        }
    }

    func makeIterator() -> Iterator { Iterator(entries: storage.makeIterator()) }
}
