/// A span of a `.rpc` file: where a token or declaration starts and ends.
///
/// Offsets are UTF-8 byte offsets into the file, so the exact source text of a
/// declaration can be cut out again (the generator embeds a service's IDL text).
public struct SourceRange: Sendable, Hashable {
    /// The first character of the span.
    public var start: SourceLocation
    /// The position just past the last character of the span.
    public var end: SourceLocation
    /// The byte offset of `start`.
    public var startOffset: Int
    /// The byte offset of `end`.
    public var endOffset: Int

    public init(start: SourceLocation, end: SourceLocation, startOffset: Int, endOffset: Int) {
        self.start = start
        self.end = end
        self.startOffset = startOffset
        self.endOffset = endOffset
    }

    /// The span from the start of `self` to the end of `other`.
    public func extended(to other: SourceRange) -> SourceRange {
        SourceRange(start: start, end: other.end, startOffset: startOffset, endOffset: other.endOffset)
    }
}
