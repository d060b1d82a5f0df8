extension Checker {
    /// Parameter names the generated Swift API uses itself.
    static let reservedParameterNames: [String: String] = [
        "context": "the generated `Service` methods take a `context:` parameter",
        "options": "the generated `Client` methods take an `options:` parameter",
        "stream": "generated stream methods take a `stream:` parameter",
        "generator": "generated generator methods take a `generator:` parameter",
    ]

    func checkService(_ syntax: ServiceSyntax, namespace: String?, file: FileSyntax, scope: Scope) -> ServiceDefinition {
        let owner = "service `\(syntax.name.text)`"
        var names = MemberNames(owner: owner, member: "method")
        var methods: [MethodDefinition] = []
        for method in syntax.methods {
            let name = Name(memberName: method.name.text)
            let isNew = names.declare(name, at: method.name, checker: self, scope: scope)
            guard let checked = checkMethod(method, name: name, scope: scope), isNew else { continue }
            if checked.isDeferred {
                guard reserveDeferredNames(of: method.name, name: name, in: &names, scope: scope) else { continue }
            }
            methods.append(checked)
        }
        return ServiceDefinition(
            name: Name(typeName: syntax.name.text), namespace: namespace, methods: methods,
            documentation: syntax.documentation,
            deprecation: checkAttributes(syntax.attributes, on: "a service", scope: scope).deprecation,
            interfaceDefinition: file.text(of: syntax.range))
    }

    /// A `@deferred` method also generates `startX` and `resumeX` on the client.
    private func reserveDeferredNames(
        of identifier: Identifier, name: Name, in names: inout MemberNames, scope: Scope
    ) -> Bool {
        for generated in ["start", "resume"].map({ $0 + Name.capitalized(name.swift) }) {
            if let other = names.reserveSwiftName(generated, for: identifier) {
                error(
                    "`@deferred` method `\(identifier.text)` generates `\(generated)`, which is also the Swift name of method `\(other.text)`",
                    in: scope.path, at: identifier.range.start)
                note("`\(other.text)` declared here", in: scope.path, at: other.range.start)
                return false
            }
        }
        return true
    }

    private func checkMethod(_ syntax: MethodSyntax, name: Name, scope: Scope) -> MethodDefinition? {
        let attributes = checkAttributes(syntax.attributes, on: "a method", scope: scope)
        if syntax.name.text.hasPrefix("_zpc_") || syntax.name.text.hasPrefix("_zerorpc_") {
            error(
                "method names starting with `_zpc_` or `_zerorpc_` are reserved for the protocol",
                in: scope.path, at: syntax.name.range.start)
        }
        let parameters = checkParameters(syntax, scope: scope)
        let errors = checkThrows(syntax, scope: scope)
        guard let kind = checkResult(syntax, isDeferred: attributes.isDeferred, scope: scope),
            let parameters, let errors
        else { return nil }
        return MethodDefinition(
            name: name, parameters: parameters, kind: kind, errors: errors, isDeferred: attributes.isDeferred,
            documentation: syntax.documentation, deprecation: attributes.deprecation)
    }

    /// Reserved names, and no required parameter after one a caller may leave out
    /// (arguments are positional; only trailing ones may be missing).
    private func checkParameters(_ syntax: MethodSyntax, scope: Scope) -> [FieldDefinition]? {
        var isValid = true
        var firstOmittable: FieldSyntax?
        for parameter in syntax.parameters {
            if let reason = Self.reservedParameterNames[parameter.name.text] {
                error(
                    "`\(parameter.name.text)` is reserved as a parameter name: \(reason); rename it",
                    in: scope.path, at: parameter.name.range.start)
                isValid = false
            }
            let omittable = parameter.defaultValue != nil || parameter.type.isOptionalSyntax
            if omittable {
                firstOmittable = firstOmittable ?? parameter
            } else if let firstOmittable {
                error(
                    "required parameter `\(parameter.name.text)` cannot follow `\(firstOmittable.name.text)`, which callers may leave out; arguments are positional",
                    in: scope.path, at: parameter.name.range.start)
                isValid = false
            }
        }
        let owner = "method `\(syntax.name.text)`"
        let checked = checkFields(syntax.parameters, of: owner, member: "parameter", scope: scope)
        return isValid && checked.count == syntax.parameters.count ? checked : nil
    }

    private func checkThrows(_ syntax: MethodSyntax, scope: Scope) -> [String]? {
        if syntax.oneway != nil, let first = syntax.errors.first {
            error("a `oneway` method cannot throw declared errors: its caller never sees them", in: scope.path, at: first.range.start)
            return nil
        }
        var errors: [String] = []
        var isValid = true
        for name in syntax.errors {
            if errors.contains(name.text) {
                error("`\(name.text)` is listed twice after `throws`", in: scope.path, at: name.range.start)
                isValid = false
                continue
            }
            guard let symbol = symbols[name.text], scope.isVisible(symbol) else {
                let candidates = scope.visibleTypeNames.filter { isErrorType($0) }
                error(
                    "unknown error type `\(name.text)`\(NameSuggestion.hint(for: name.text, among: candidates))",
                    in: scope.path, at: name.range.start)
                isValid = false
                continue
            }
            guard case .structure(let declaration) = symbol.declaration, declaration.isError else {
                error(
                    "`\(name.text)` is \(symbol.declaration.keywordWithArticle), not an error; only `error` types can follow `throws`",
                    in: scope.path, at: name.range.start)
                isValid = false
                continue
            }
            errors.append(name.text)
        }
        return isValid ? errors : nil
    }

    private func isErrorType(_ name: String) -> Bool {
        if case .structure(let declaration)? = symbols[name]?.declaration { return declaration.isError }
        return false
    }

    private func checkResult(_ syntax: MethodSyntax, isDeferred: Bool, scope: Scope) -> MethodKind? {
        let isOneway = syntax.oneway != nil
        switch syntax.result {
        case nil:
            if isOneway && isDeferred {
                error("a `oneway` method cannot be `@deferred`: there is no result to defer", in: scope.path, at: syntax.name.range.start)
                return nil
            }
            return isOneway ? .oneway : .unary(returns: nil)
        case .value(let type):
            if isOneway {
                error("a `oneway` method returns nothing; remove `-> \(type.spelling)`", in: scope.path, at: type.range.start)
                return nil
            }
            return resolve(type, scope: scope).map { .unary(returns: $0) }
        case .stream(let type, let keyword):
            guard checkStreaming("stream", at: keyword, isOneway: isOneway, isDeferred: isDeferred, scope: scope),
                let element = resolve(type, scope: scope)
            else { return nil }
            return .stream(element)
        case .generator(let yieldSyntax, let sentSyntax, let keyword):
            guard checkStreaming("generator", at: keyword, isOneway: isOneway, isDeferred: isDeferred, scope: scope)
            else { return nil }
            let yield = resolve(yieldSyntax, scope: scope)
            let sent = resolve(sentSyntax, scope: scope)
            guard let yield, let sent else { return nil }
            return .generator(yield: yield, sent: sent)
        }
    }

    private func checkStreaming(_ what: String, at keyword: SourceRange, isOneway: Bool, isDeferred: Bool, scope: Scope) -> Bool {
        if isOneway {
            error("a `oneway` method cannot return a `\(what)`", in: scope.path, at: keyword.start)
            return false
        }
        if isDeferred {
            error("`@deferred` applies only to methods with a single result, not to a `\(what)`", in: scope.path, at: keyword.start)
            return false
        }
        return true
    }
}

extension TypeSyntax {
    var isOptionalSyntax: Bool {
        if case .optional = kind { return true }
        return false
    }
}
