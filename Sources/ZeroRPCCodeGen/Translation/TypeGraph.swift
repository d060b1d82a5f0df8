import ZeroRPCSchema

/// Answers questions about how declared types contain each other.
///
/// Recursion: a union that contains itself (through any path) becomes an `indirect enum`. A
/// struct field `T?` whose struct `T` contains the field's own struct again (through
/// plain or optional struct fields) is stored in an array box, because a Swift struct
/// cannot contain itself even through `Optional`. Arrays and dictionaries already box.
struct TypeGraph {
    private let schema: Schema

    init(schema: Schema) {
        self.schema = schema
    }

    /// Whether the union `name` can contain itself.
    func isIndirect(union name: String) -> Bool {
        guard case .union(let definition)? = schema.type(named: name) else { return false }
        return reaches(name, from: definition.cases.flatMap { namedTypes(in: $0.type) }, inlineOnly: false)
    }

    /// Whether `field` of struct `owner` must be boxed.
    func needsBox(_ field: FieldDefinition, in owner: String) -> Bool {
        guard case .optional(.named(let target, let kind)) = field.type, kind == .structure || kind == .error
        else { return false }
        return target == owner || reaches(owner, from: [target], inlineOnly: true)
    }

    /// The declared types `service` mentions (parameters, results, items, errors), with
    /// every type those reach through fields and cases, in schema declaration order.
    func typesUsed(by service: ServiceDefinition) -> [TypeDefinition] {
        var queue: [String] = []
        for method in service.methods {
            queue += method.parameters.flatMap { namedTypes(in: $0.type) } + method.errors
            switch method.kind {
            case .unary(let returns): queue += returns.map(namedTypes) ?? []
            case .oneway: break
            case .stream(let element): queue += namedTypes(in: element)
            case .generator(let yield, let sent): queue += namedTypes(in: yield) + namedTypes(in: sent)
            }
        }
        var used: Set<String> = []
        while let name = queue.popLast() {
            guard used.insert(name).inserted, let definition = schema.type(named: name) else { continue }
            switch definition {
            case .structure(let structure): queue += structure.fields.flatMap { namedTypes(in: $0.type) }
            case .union(let union): queue += union.cases.flatMap { namedTypes(in: $0.type) }
            case .enumeration: break
            }
        }
        return schema.files.flatMap(\.types).filter { used.contains($0.name.wire) }
    }

    /// Whether values of the type can hold an `any` somewhere. `ZeroRPC.MessagePackValue`
    /// is not `Codable`, so such types cannot be `Codable` either.
    func containsAnyValue(_ name: String) -> Bool {
        var queue = [name]
        var seen: Set<String> = []
        while let current = queue.popLast() {
            guard seen.insert(current).inserted, let definition = schema.type(named: current) else { continue }
            let types: [TypeReference]
            switch definition {
            case .structure(let structure): types = structure.fields.map(\.type)
            case .union(let union): types = union.cases.map(\.type)
            case .enumeration: types = []
            }
            if types.contains(where: mentionsAnyValue) { return true }
            queue += types.flatMap(namedTypes)
        }
        return false
    }

    private func mentionsAnyValue(_ type: TypeReference) -> Bool {
        switch type {
        case .any: return true
        case .optional(let wrapped), .array(let wrapped): return mentionsAnyValue(wrapped)
        case .map(let key, let value): return mentionsAnyValue(key) || mentionsAnyValue(value)
        default: return false
        }
    }

    /// Breadth-first search from `starts` for `goal`. `inlineOnly` follows only struct
    /// fields of struct type (plain or optional): the ones stored inline.
    private func reaches(_ goal: String, from starts: [String], inlineOnly: Bool) -> Bool {
        var queue = starts
        var seen: Set<String> = []
        while let name = queue.popLast() {
            if name == goal { return true }
            guard seen.insert(name).inserted, let definition = schema.type(named: name) else { continue }
            switch definition {
            case .structure(let structure):
                for field in structure.fields {
                    queue += inlineOnly ? inlineStructs(in: field.type) : namedTypes(in: field.type)
                }
            case .union(let union) where !inlineOnly:
                queue += union.cases.flatMap { namedTypes(in: $0.type) }
            case .union, .enumeration:
                break
            }
        }
        return false
    }

    private func namedTypes(in type: TypeReference) -> [String] {
        switch type {
        case .named(let name, _): return [name]
        case .optional(let wrapped), .array(let wrapped): return namedTypes(in: wrapped)
        case .map(let key, let value): return namedTypes(in: key) + namedTypes(in: value)
        default: return []
        }
    }

    private func inlineStructs(in type: TypeReference) -> [String] {
        switch type {
        case .named(let name, .structure), .named(let name, .error): return [name]
        case .optional(let wrapped): return inlineStructs(in: wrapped)
        default: return []
        }
    }
}
