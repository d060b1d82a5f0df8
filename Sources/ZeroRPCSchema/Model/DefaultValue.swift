/// A checked default value, already converted to the field's type.
public indirect enum DefaultValue: Sendable, Hashable {
    case `nil`
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    /// A case of the field's enum type.
    case enumCase(Name)
    case array([DefaultValue])
    case map([Entry])

    public struct Entry: Sendable, Hashable {
        public var key: DefaultValue
        public var value: DefaultValue

        public init(key: DefaultValue, value: DefaultValue) {
            self.key = key
            self.value = value
        }
    }
}
