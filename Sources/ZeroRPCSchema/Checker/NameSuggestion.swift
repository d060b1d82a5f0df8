/// Finds the known name closest to a misspelt one, for "did you mean" hints.
enum NameSuggestion {
    /// The candidate with the smallest edit distance to `name`, if it is close enough
    /// (at most a third of the name's length, and at least one edit allowed); of equally
    /// close ones, the first in sorted order.
    ///
    /// Every unknown name in a file asks this of every visible name, so it is kept cheap:
    /// no sorting, a candidate whose length alone puts it out of reach is skipped, and
    /// names of plain ASCII (all identifiers are) are compared as bytes.
    static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
        let limit = max(1, name.count / 3)
        let target = Spelling(name)
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name {
            let spelling = Spelling(candidate)
            // The edit distance is at least the difference in length.
            guard abs(spelling.count - target.count) <= min(limit, best?.distance ?? limit) else { continue }
            let distance = target.distance(to: spelling)
            guard distance <= limit else { continue }
            if let current = best,
                distance > current.distance || (distance == current.distance && candidate >= current.name)
            {
                continue
            }
            best = (candidate, distance)
        }
        return best?.name
    }

    /// " ; did you mean `X`?" or "".
    static func hint(for name: String, among candidates: some Sequence<String>) -> String {
        closest(to: name, among: candidates).map { "; did you mean `\($0)`?" } ?? ""
    }

    /// Levenshtein distance over characters, ignoring case.
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        Spelling(lhs).distance(to: Spelling(rhs))
    }

    /// A name lowercased, as bytes when it is ASCII without `\r` (then one byte is one
    /// Character), else as Characters.
    private enum Spelling {
        case ascii([UInt8])
        case characters([Character])

        init(_ name: String) {
            if name.utf8.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "\r") }) {
                self = .ascii(
                    name.utf8.map {
                        $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 0x20 : $0
                    })
            } else {
                self = .characters(Array(name.lowercased()))
            }
        }

        var count: Int {
            switch self {
            case .ascii(let bytes): bytes.count
            case .characters(let characters): characters.count
            }
        }

        func distance(to other: Spelling) -> Int {
            switch (self, other) {
            case (.ascii(let left), .ascii(let right)): NameSuggestion.levenshtein(left, right)
            default: NameSuggestion.levenshtein(characters, other.characters)
            }
        }

        private var characters: [Character] {
            switch self {
            case .ascii(let bytes): bytes.map { Character(Unicode.Scalar($0)) }
            case .characters(let characters): characters
            }
        }
    }

    private static func levenshtein<Element: Equatable>(_ left: [Element], _ right: [Element]) -> Int {
        guard !left.isEmpty else { return right.count }
        guard !right.isEmpty else { return left.count }
        var previous = Array(0...right.count)
        var current = [Int](repeating: 0, count: right.count + 1)
        for i in 1...left.count {
            current[0] = i
            for j in 1...right.count {
                let substitution = previous[j - 1] + (left[i - 1] == right[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
