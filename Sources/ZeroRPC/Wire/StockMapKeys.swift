/// Stock zerorpc peers unpack with msgpack-python's `strict_map_key`: a map key that is
/// neither a string nor binary makes the unpacker throw, and zerorpc drops the whole
/// message without an answer. So before a request goes to such a peer, its arguments are
/// searched for such a key, and the call is refused with the key's path instead of
/// timing out 30 s later. zerorpc-swift peers take any key.
enum StockMapKeys {
    /// Where the first map key a stock peer would refuse sits in `arguments` (an encoded
    /// argument array), e.g. `argument 1, key 7 (int)` or `argument 0 .a[2], key true
    /// (bool)`; nil when there is none or the bytes do not parse (the peer says why).
    static func firstRefusedKey(in arguments: [UInt8]) -> String? {
        var reader = MessagePackReader(payload: arguments, startingAt: 0)
        guard let count = try? reader.readArrayHeader() else { return nil }
        do {
            for index in 0..<count {
                if let (path, key) = try refusedKey(&reader, depth: 0) {
                    return "argument \(index)\(path.reversed().joined()), key \(key)"
                }
            }
        } catch {
            return nil
        }
        return nil
    }

    /// Walks one value; the path to a refused key (innermost component first) and the
    /// key's description.
    private static func refusedKey(
        _ reader: inout MessagePackReader, depth: Int
    ) throws -> ([String], String)? {
        guard depth < 256 else {
            try reader.skipValue()
            return nil
        }
        switch try reader.peekType() {
        case .array:
            for index in 0..<(try reader.readArrayHeader()) {
                if case (var path, let key)? = try refusedKey(&reader, depth: depth + 1) {
                    path.append("[\(index)]")
                    return (path, key)
                }
            }
        case .map:
            for _ in 0..<(try reader.readMapHeader()) {
                let keyType = try reader.peekType()
                let key = try reader.read(MessagePackValue.self)
                guard keyType == .string || keyType == .binary else { return ([], "\(key) (\(keyType))") }
                if case (var path, let found)? = try refusedKey(&reader, depth: depth + 1) {
                    path.append(" .\(key.stringValue ?? "\(key)")")
                    return (path, found)
                }
            }
        default:
            try reader.skipValue()
        }
        return nil
    }
}
