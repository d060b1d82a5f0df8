/// Gathers the diagnostics of one file and stops listening after too many errors,
/// so that junk input cannot produce millions of lines.
final class DiagnosticCollector {
    /// How many errors one file may report before the rest are dropped.
    static let errorLimit = 100

    let path: String
    private(set) var diagnostics: [Diagnostic] = []
    private(set) var errorCount = 0

    init(path: String) {
        self.path = path
    }

    /// Whether the error limit was reached; parsers use it to stop early.
    var isSaturated: Bool { errorCount >= Self.errorLimit }

    func error(_ message: String, at location: SourceLocation) {
        guard !isSaturated else { return }
        errorCount += 1
        diagnostics.append(Diagnostic(.error, message, path: path, at: location))
        if isSaturated {
            diagnostics.append(
                Diagnostic(.note, "too many errors (\(Self.errorLimit)); stopping here", path: path, at: location))
        }
    }

    func warning(_ message: String, at location: SourceLocation) {
        guard !isSaturated else { return }
        diagnostics.append(Diagnostic(.warning, message, path: path, at: location))
    }

    func note(_ message: String, at location: SourceLocation) {
        guard !isSaturated else { return }
        diagnostics.append(Diagnostic(.note, message, path: path, at: location))
    }
}
