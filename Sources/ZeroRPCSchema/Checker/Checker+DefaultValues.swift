extension Checker {
    /// Converts a written default to `type`, or reports why it does not fit.
    func checkDefault(_ value: ValueSyntax, for type: TypeReference, scope: Scope) -> DefaultValue? {
        func mismatch(_ expected: String) -> DefaultValue? {
            error(
                "invalid default value for type `\(type.spelling)`: expected \(expected), found \(value.description)",
                in: scope.path, at: value.range.start)
            return nil
        }
        switch (type, value.kind) {
        case (.optional, .word("nil")):
            return .nil
        case (.optional(let wrapped), _):
            return checkDefault(value, for: wrapped, scope: scope)
        case (.bool, .word("true")):
            return .bool(true)
        case (.bool, .word("false")):
            return .bool(false)
        case (.bool, _):
            return mismatch("`true` or `false`")
        case (.int, .integer(let text)):
            guard let number = Int64(text) else { return outOfRange(value, text, type: type, scope: scope) }
            return .int(number)
        case (.int, _):
            return mismatch("an integer")
        case (.uint, .integer(let text)):
            guard let number = UInt64(text) else { return outOfRange(value, text, type: type, scope: scope) }
            return .uint(number)
        case (.uint, _):
            return mismatch("a non-negative integer")
        case (.float, .integer(let text)), (.double, .integer(let text)):
            guard let number = Double(text) else { return mismatch("a number") }
            return .double(number)
        case (.float, .float(let number)), (.double, .float(let number)):
            return .double(number)
        case (.float, _), (.double, _):
            return mismatch("a number")
        case (.string, .string(let text)):
            return .string(text)
        case (.string, _):
            return mismatch("a string in quotes")
        case (.array(let element), .array(let elements)):
            var checked: [DefaultValue] = []
            for element in elements.map({ checkDefault($0, for: element, scope: scope) }) {
                guard let element else { return nil }
                checked.append(element)
            }
            return .array(checked)
        case (.array, _):
            return mismatch("a list in `[ ]`")
        case (.map(let keyType, let valueType), .map(let entries)):
            return checkMapDefault(entries, key: keyType, value: valueType, scope: scope)
        case (.map, _):
            return mismatch("a map in `{ }`")
        case (.named(let name, .enumeration), .word(let caseName)):
            return enumCase(caseName, of: name, at: value, scope: scope)
        case (.named(_, .enumeration), _):
            return mismatch("a case name")
        case (.bytes, _), (.timestamp, _), (.any, _), (.named, _):
            error(
                "a field of type `\(type.spelling)` cannot have a default value\(type.isOptional ? "" : " (only `nil` when it is optional)")",
                in: scope.path, at: value.range.start)
            return nil
        }
    }

    /// The integer value of an enum case (`low = 1`).
    func enumValue(_ value: ValueSyntax, scope: Scope) -> Int64? {
        guard case .integer(let text) = value.kind else {
            error("the value of an enum case must be an integer, found \(value.description)", in: scope.path, at: value.range.start)
            return nil
        }
        guard let number = Int64(text) else {
            _ = outOfRange(value, text, type: .int, scope: scope)
            return nil
        }
        return number
    }

    private func outOfRange(_ value: ValueSyntax, _ text: String, type: TypeReference, scope: Scope) -> DefaultValue? {
        error("integer `\(text)` does not fit in `\(type.spelling)`", in: scope.path, at: value.range.start)
        return nil
    }

    private func checkMapDefault(
        _ entries: [ValueSyntax.MapEntry], key: TypeReference, value: TypeReference, scope: Scope
    ) -> DefaultValue? {
        var checked: [DefaultValue.Entry] = []
        for entry in entries {
            guard let checkedKey = checkDefault(entry.key, for: key, scope: scope),
                let checkedValue = checkDefault(entry.value, for: value, scope: scope)
            else { return nil }
            if checked.contains(where: { $0.key == checkedKey }) {
                error("duplicate key \(entry.key.literal) in the map literal", in: scope.path, at: entry.key.range.start)
                return nil
            }
            checked.append(DefaultValue.Entry(key: checkedKey, value: checkedValue))
        }
        return .map(checked)
    }

    private func enumCase(_ caseName: String, of enumName: String, at value: ValueSyntax, scope: Scope) -> DefaultValue? {
        guard case .enumeration(let declaration)? = symbols[enumName]?.declaration else { return nil }
        let names = declaration.cases.map(\.name.text)
        guard names.contains(caseName) else {
            error(
                "enum `\(enumName)` has no case `\(caseName)`\(NameSuggestion.hint(for: caseName, among: names))",
                in: scope.path, at: value.range.start)
            return nil
        }
        return .enumCase(Name(memberName: caseName))
    }
}

extension ValueSyntax {
    /// How the value reads in a diagnostic.
    var description: String {
        switch kind {
        case .integer(let text): return "`\(text)`"
        case .float(let number): return "`\(number)`"
        case .string: return "a string"
        case .word(let word): return "`\(word)`"
        case .array: return "a list"
        case .map: return "a map"
        }
    }
}

extension ValueSyntax {
    /// A scalar literal as it was written, for naming map keys.
    var literal: String {
        switch kind {
        case .string(let text): return "`\"\(text)\"`"
        default: return description
        }
    }
}
