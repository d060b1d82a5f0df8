/// Lays out Swift source: lines, indentation, braces and blank lines.
///
/// The translators decide *what* to emit and call this printer; they never count
/// spaces or close braces themselves.
final class CodePrinter {
    private(set) var text = ""
    private var indentation = 0
    private var lastLineWasBlank = true

    /// One line at the current indentation.
    func line(_ content: String) {
        text += (content.isEmpty ? "" : String(repeating: "    ", count: indentation)) + content + "\n"
        lastLineWasBlank = false
    }

    /// Several lines, each at the current indentation.
    func lines(_ contents: [String]) {
        contents.forEach(line)
    }

    /// A blank line, never two in a row and never right after an opening brace.
    func blankLine() {
        guard !lastLineWasBlank else { return }
        text += "\n"
        lastLineWasBlank = true
    }

    /// `header {`, the body one level deeper, then `}` (plus `suffix`, e.g. `,` or `)`).
    func block(_ header: String, suffix: String = "", _ body: () -> Void) {
        scope(opening: header + " {", closing: "}" + suffix, body)
    }

    /// An opening line, the body one level deeper, then a closing line: for closures
    /// (`arguments: { writer in` … `},`) and argument lists (`unary(` … `)`).
    func scope(opening: String, closing: String, _ body: () -> Void) {
        line(opening)
        indented(body)
        lastLineWasBlank = false
        line(closing)
    }

    /// The body one level deeper, without braces.
    func indented(_ body: () -> Void) {
        indentation += 1
        lastLineWasBlank = true
        body()
        indentation -= 1
        if text.hasSuffix("\n\n") { text.removeLast() }
    }

    /// `switch subject {` with its cases at the switch's own indentation, as Swift style has it.
    func switchBlock(_ subject: String, cases: () -> Void) {
        line("switch \(subject) {")
        lastLineWasBlank = true
        cases()
        lastLineWasBlank = false
        line("}")
    }

    /// `case pattern:` (or `default:`) with its statements one level deeper.
    func switchCase(_ label: String, _ body: () -> Void) {
        line(label)
        indented(body)
        lastLineWasBlank = false
    }

    /// `///` lines for a DocC comment.
    func documentation(_ lines: [String]) {
        for content in lines {
            line(content.isEmpty ? "///" : "/// " + content)
        }
    }
}
