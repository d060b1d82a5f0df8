extension Checker {
    /// The attributes the language knows, and what each may be applied to.
    static let knownAttributes = ["deferred", "deprecated"]

    /// What a declaration's attributes say, once checked.
    struct CheckedAttributes {
        var deprecation: Deprecation?
        var isDeferred = false
    }

    /// Checks `@name` attributes on one declaration: unknown names (listing the known
    /// ones), `@deferred` anywhere but on a method, repeats and stray arguments.
    func checkAttributes(_ attributes: [AttributeSyntax], on what: String, scope: Scope) -> CheckedAttributes {
        var checked = CheckedAttributes()
        var seen: Set<String> = []
        for attribute in attributes {
            let name = attribute.name.text
            let location = attribute.range.start
            guard seen.insert(name).inserted else {
                error("duplicate attribute `@\(name)`", in: scope.path, at: location)
                continue
            }
            switch name {
            case "deprecated":
                checked.deprecation = Deprecation(message: attribute.argument)
            case "deferred":
                if attribute.argument != nil {
                    error("`@deferred` takes no argument", in: scope.path, at: location)
                }
                if what == "a method" {
                    checked.isDeferred = true
                } else {
                    error("`@deferred` applies only to methods, not to \(what)", in: scope.path, at: location)
                }
            default:
                let known = Self.knownAttributes.map { "`@\($0)`" }.joined(separator: ", ")
                let suggestion = NameSuggestion.closest(to: name, among: Self.knownAttributes).map { "; did you mean `@\($0)`?" }
                error(
                    "unknown attribute `@\(name)`\(suggestion ?? ""); known attributes: \(known)",
                    in: scope.path, at: location)
            }
        }
        return checked
    }
}
