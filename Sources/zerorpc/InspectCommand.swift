// `zerorpc inspect`: a server's services, method signatures, doc comments and types.
import ArgumentParser
import ZeroRPC
import ZeroRPCSchema

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Describe a server: its methods, their signatures and docs, and its types.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await connection.withClient { client, output in
            let description = try await client.inspect(options: connection.callOptions)
            let catalog = InterfaceCatalog(interfaces: description.interfaces)
            output.result(
                json: Self.json(description, catalog: catalog), text: Self.text(description, catalog: catalog))
        }
    }

    /// Each method with its signature when the IDL gives one.
    static func json(_ description: ServerDescription, catalog: InterfaceCatalog) -> MessagePackValue {
        let methods: [MessagePackValue] = description.methods.map { method in
            var entries: [MessagePackValue.Entry] = [
                .init(key: "name", value: .string(method.name)),
                .init(
                    key: "parameters",
                    value: .array(
                        method.parameters.map { parameter in
                            .map(
                                [.init(key: "name", value: .string(parameter.name))]
                                    + (parameter.defaultValue.map { [.init(key: "default", value: $0)] } ?? []))
                        })),
                .init(key: "doc", value: method.doc.map { .string($0) } ?? .nil),
            ]
            if let typed = catalog.method(named: method.name) {
                entries.append(.init(key: "signature", value: .string(typed.signature)))
            }
            return .map(entries)
        }
        return [
            "name": .string(description.name), "methods": .array(methods),
            "interfaces": .array(description.interfaces.map { .string($0) }),
        ]
    }

    /// Services with their methods, then the types they use, then methods without IDL.
    static func text(_ description: ServerDescription, catalog: InterfaceCatalog) -> String {
        var lines = ["server \(description.name)"]
        var described: Set<String> = []
        for (service, schema) in catalog.services {
            lines.append("")
            lines.append("service \(service.name.wire)" + (service.namespace.map { " (namespace \($0))" } ?? ""))
            lines += service.documentation.map { "  \($0)" }
            for method in service.methods {
                let wireName = method.wireName(namespace: service.namespace)
                guard let typed = catalog.method(named: wireName) else { continue }
                described.insert(wireName)
                lines.append("  \(typed.signature)")
                lines += method.documentation.map { "      \($0)" }
            }
            let types = schema.files.flatMap(\.types)
            if !types.isEmpty {
                lines.append("  types:")
                for type in types {
                    lines += type.documentation.map { "    /// \($0)" }
                    lines += type.declarationText.split(separator: "\n", omittingEmptySubsequences: false).map {
                        "    \($0)"
                    }
                }
            }
        }
        let others = description.methods.filter { !described.contains($0.name) }
        if !others.isEmpty {
            lines.append("")
            lines.append(catalog.services.isEmpty ? "methods" : "other methods")
            for method in others {
                let parameters = method.parameters.map { parameter in
                    parameter.name + (parameter.defaultValue.map { "=\(JSONText.compact($0))" } ?? "")
                }
                lines.append("  \(method.name)(\(parameters.joined(separator: ", ")))")
                lines += (method.doc ?? "").split(separator: "\n").map {
                    "      \($0.trimmingCharacters(in: .whitespaces))"
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}
