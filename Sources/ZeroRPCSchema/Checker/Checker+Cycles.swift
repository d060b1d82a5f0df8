extension Checker {
    /// Reports structs (and errors) that contain themselves through fields that are
    /// neither optional nor collections: such a value would be infinitely large.
    func reportStructCycles() {
        var edges: [String: [(field: FieldSyntax, target: String)]] = [:]
        for (name, symbol) in symbols {
            guard case .structure(let declaration) = symbol.declaration else { continue }
            edges[name] = declaration.fields.compactMap { field in
                guard case .named(let target) = field.type.kind,
                    case .structure? = symbols[target.text]?.declaration
                else { return nil }
                return (field, target.text)
            }
        }
        var finished: Set<String> = []
        var reported: Set<String> = []
        for start in edges.keys.sorted() where !finished.contains(start) {
            // An explicit stack instead of recursion: a chain of many structs must not overflow.
            var path: [(name: String, via: FieldSyntax?, nextEdge: Int)] = [(start, nil, 0)]
            var positionOnPath: [String: Int] = [start: 0]
            while let top = path.last {
                let outgoing = edges[top.name] ?? []
                guard top.nextEdge < outgoing.count else {
                    finished.insert(top.name)
                    positionOnPath[top.name] = nil
                    path.removeLast()
                    continue
                }
                path[path.count - 1].nextEdge += 1
                let edge = outgoing[top.nextEdge]
                if let index = positionOnPath[edge.target] {
                    let fields = path[(index + 1)...].compactMap(\.via) + [edge.field]
                    reportCycle(through: fields, startingAt: edge.target, members: Set(path[index...].map(\.name)), reported: &reported)
                } else if !finished.contains(edge.target) {
                    positionOnPath[edge.target] = path.count
                    path.append((edge.target, edge.field, 0))
                }
            }
        }
    }

    private func reportCycle(through fields: [FieldSyntax], startingAt name: String, members: Set<String>, reported: inout Set<String>) {
        guard members.isDisjoint(with: reported), let first = fields.first, let symbol = symbols[name] else { return }
        reported.formUnion(members)
        let route = fields.map { "`\($0.name.text)`" }.joined(separator: " -> ")
        error(
            "`\(name)` contains itself through the non-optional fields \(route); make one of them optional or a list",
            in: symbol.path, at: first.range.start)
    }

    /// Two services sharing a namespace must not expose the same wire name.
    func reportSharedWireNames(in schema: Schema) {
        var owners: [String: (service: String, path: String)] = [:]
        for file in schema.files {
            for service in file.services {
                for method in service.methods {
                    let wireName = method.wireName(namespace: service.namespace)
                    guard let other = owners[wireName] else {
                        owners[wireName] = (service.name.wire, file.path)
                        continue
                    }
                    let location = methodLocation(service: service.name.wire, method: method.name.wire, path: file.path)
                    error(
                        "wire name `\(wireName)` of service `\(service.name.wire)` is also exposed by service `\(other.service)` in `\(other.path)`; give one of them another namespace",
                        in: file.path, at: location)
                }
            }
        }
    }

    private func methodLocation(service: String, method: String, path: String) -> SourceLocation {
        guard case .service(let syntax)? = symbols[service]?.declaration,
            let found = syntax.methods.first(where: { $0.name.text == method })
        else { return SourceLocation(line: 1, column: 1) }
        return found.name.range.start
    }
}
