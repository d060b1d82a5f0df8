/// The kind of the next MessagePack value, as its first byte tells.
public enum MessagePackType: Sendable, Hashable, CustomStringConvertible {
    case `nil`, bool, int, float, string, binary, array, map, `extension`

    /// The family of a msgpack first byte (0xc1, never used, reads as nil's neighbour:
    /// the reader rejects it before asking).
    init?(marker: UInt8) {
        switch marker {
        case 0x00...0x7f, 0xcc...0xd3, 0xe0...0xff: self = .int
        case 0x80...0x8f, 0xde, 0xdf: self = .map
        case 0x90...0x9f, 0xdc, 0xdd: self = .array
        case 0xa0...0xbf, 0xd9...0xdb: self = .string
        case 0xc0: self = .nil
        case 0xc2, 0xc3: self = .bool
        case 0xc4...0xc6: self = .binary
        case 0xc7...0xc9, 0xd4...0xd8: self = .extension
        case 0xca, 0xcb: self = .float
        default: return nil
        }
    }

    /// The name msgpack's spec uses, as error messages show it.
    public var description: String {
        switch self {
        case .nil: "nil"
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "str"
        case .binary: "bin"
        case .array: "array"
        case .map: "map"
        case .extension: "ext"
        }
    }
}
