/// Lays out Swift source: lines, indentation, braces and blank lines.
///
/// The translators decide *what* to emit and call this printer; they never count
/// spaces or close braces themselves.
final class CodePrinter {
    /// The longest line before lists are broken one item per line (swift-format's default).
    static let lineLength = 120

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

    /// `head` + comma-separated `items` + `tail` on one line when it fits; otherwise
    /// `head`, then each item on its own line one level deeper, then `tail`.
    func wrapped(_ head: String, _ items: [String], _ tail: String) {
        wrapped(head, items: items.map(ListItem.text), tail)
    }

    /// `wrapped` whose items may be collection literals: on one line when everything fits;
    /// otherwise one item per line, and a collection that is still too long one element
    /// per line (see `collection`).
    func wrapped(_ head: String, items: [ListItem], _ tail: String) {
        let single = head + items.map(\.singleLine).joined(separator: ", ") + tail
        guard !fits(single), !items.isEmpty else {
            line(single)
            return
        }
        line(head)
        indented {
            for (index, item) in items.enumerated() {
                let comma = index == items.count - 1 ? "" : ","
                switch item {
                case .text(let text): line(text + comma)
                case .collection(let open, let elements, let close): collection(open, elements, close + comma)
                }
            }
        }
        lastLineWasBlank = false
        line(tail.drop { $0 == " " }.description)
    }

    /// Comma-separated `items` filled into as few lines as fit, each line ending with a
    /// comma and the last with `suffix`: the leading arguments of a multi-line call
    /// (`"calc.add", options: options, declaredErrors: [],`).
    func packed(_ items: [String], suffix: String) {
        var current = ""
        for (index, item) in items.enumerated() {
            let ending = index == items.count - 1 ? suffix : ","
            if !current.isEmpty, !fits(current + " " + item + ending) {
                line(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + item + ending
        }
        if !current.isEmpty { line(current) }
    }

    /// `header { statement }` on one line when it fits, otherwise as a block
    /// (`guard let x = x else { throw … }`).
    func shortBlock(_ header: String, _ statement: String) {
        let single = "\(header) { \(statement) }"
        if fits(single) {
            line(single)
        } else {
            block(header) { line(statement) }
        }
    }

    /// A collection literal: on one line when it fits, otherwise one element per line,
    /// each with a trailing comma.
    func collection(_ head: String, _ elements: [String], _ tail: String) {
        let single = head + elements.joined(separator: ", ") + tail
        guard !fits(single), !elements.isEmpty else {
            line(single)
            return
        }
        line(head)
        indented {
            for element in elements { line(element + ",") }
        }
        lastLineWasBlank = false
        line(tail)
    }

    /// Like `block`, with the header's list wrapped by `wrapped` when it is too long.
    func wrappedBlock(_ head: String, _ items: [String], _ tail: String, _ body: () -> Void) {
        wrapped(head, items, tail + " {")
        closeScope("}", body)
    }

    /// Whether `content` fits on one line at the current indentation. Private: the
    /// translators say what to emit and the printer alone chooses between layouts, so one
    /// construct always renders one way.
    private func fits(_ content: String) -> Bool {
        indentation * 4 + content.count <= Self.lineLength
    }

    /// A blank line, never two in a row and never right after an opening brace.
    func blankLine() {
        guard !lastLineWasBlank else { return }
        text += "\n"
        lastLineWasBlank = true
    }

    /// `header {`, the body one level deeper, then `}`.
    func block(_ header: String, _ body: () -> Void) {
        scope(opening: header + " {", closing: "}", body)
    }

    /// An opening line, the body one level deeper, then a closing line: for closures
    /// (`arguments: { writer in` … `},`) and argument lists (`unary(` … `)`).
    func scope(opening: String, closing: String, _ body: () -> Void) {
        line(opening)
        closeScope(closing, body)
    }

    /// The body one level deeper, then `closing`; an empty body closes on the opening
    /// line (`init() {}`).
    private func closeScope(_ closing: String, _ body: () -> Void) {
        // UTF-8 length, not `count`: counting Characters walks the whole text, and did so
        // for every scope (quadratic; 80 % of the IDL fuzz target's time).
        let mark = text.utf8.count
        indented(body)
        lastLineWasBlank = false
        if text.utf8.count == mark {
            text.removeLast()
            text += closing + "\n"
        } else {
            line(closing)
        }
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

    /// `if c1 {` … `} else if c2 {` … `} else {` … `}`; only the fallback's statements
    /// when there are no branches.
    func ifChain(_ branches: [(condition: String, body: () -> Void)], otherwise: () -> Void) {
        guard !branches.isEmpty else {
            otherwise()
            return
        }
        for (index, branch) in branches.enumerated() {
            line((index == 0 ? "if " : "} else if ") + branch.condition + " {")
            indented(branch.body)
            lastLineWasBlank = false
        }
        line("} else {")
        indented(otherwise)
        lastLineWasBlank = false
        line("}")
    }

    /// `///` lines for a DocC comment.
    func documentation(_ lines: [String]) {
        for content in lines {
            line(content.isEmpty ? "///" : "/// " + content)
        }
    }
}

/// One item of a list `CodePrinter.wrapped` lays out: plain text, or a collection literal
/// (`parameters: [a, b]`) that breaks one element per line when it does not fit.
enum ListItem {
    case text(String)
    case collection(open: String, elements: [String], close: String)

    /// The item on one line.
    var singleLine: String {
        switch self {
        case .text(let text): text
        case .collection(let open, let elements, let close): open + elements.joined(separator: ", ") + close
        }
    }
}
