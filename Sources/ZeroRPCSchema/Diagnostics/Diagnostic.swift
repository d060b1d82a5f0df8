/// One message about a `.rpc` file, printed as `path:line:column: error: message`.
///
/// This is the format SwiftPM and Xcode parse, so a build-tool plugin that prints
/// diagnostics this way gets them shown inline on the `.rpc` file.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
        case note
    }

    public var severity: Severity
    public var message: String
    /// The file the diagnostic points into, as the user named it.
    public var path: String
    public var location: SourceLocation

    public init(_ severity: Severity, _ message: String, path: String, at location: SourceLocation) {
        self.severity = severity
        self.message = message
        self.path = path
        self.location = location
    }

    public var description: String {
        "\(path):\(location.line):\(location.column): \(severity.rawValue): \(message)"
    }
}

extension Array where Element == Diagnostic {
    /// Whether any of the diagnostics is an error.
    public var containsErrors: Bool {
        contains { $0.severity == .error }
    }
}
