/// A MessagePack value was not what the decoder expected.
///
/// Its description names the place in the message, so a bad argument reads
/// `expected int at args[1].points[3].x, got str`.
public struct MessagePackDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the decoder wanted, in msgpack terms: `int`, `str`, `map with key "x"`.
    public var expected: String
    /// What it found: `str`, `nil`, `end of data`, `uint 18446744073709551615`.
    public var found: String
    /// Where, outermost first: `["args[1]", "points", "[3]", "x"]`.
    public var path: [String]

    public init(expected: String, found: String, path: [String] = []) {
        self.expected = expected
        self.found = found
        self.path = path
    }

    /// The same error, one level further out.
    public func prefixed(with component: String) -> MessagePackDecodingError {
        var error = self
        error.path.insert(component, at: 0)
        return error
    }

    /// The path as text: `args[1].points[3].x`.
    public var location: String {
        var text = ""
        for component in path {
            if !text.isEmpty && !component.hasPrefix("[") { text += "." }
            text += component
        }
        return text
    }

    public var description: String {
        path.isEmpty
            ? "expected \(expected), got \(found)"
            : "expected \(expected) at \(location), got \(found)"
    }
}
