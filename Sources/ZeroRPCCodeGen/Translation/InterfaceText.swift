import ZeroRPCSchema

/// The IDL text a server returns for a service from `_zerorpc_inspect`: a `.rpc` file of
/// its own that compiles without imports, so a tool (the `zerorpc` CLI) can rebuild every
/// struct, enum, union and error the service uses, not only its method signatures.
enum InterfaceText {
    /// `namespace`, then each type the service uses in declaration order, then the
    /// service; doc comments kept, declarations as written.
    static func text(for service: ServiceDefinition, typeGraph: TypeGraph) -> String {
        var blocks: [String] = []
        if let namespace = service.namespace { blocks.append("namespace \(namespace)") }
        for type in typeGraph.typesUsed(by: service) {
            blocks.append(documented(type.declarationText, type.documentation))
        }
        blocks.append(documented(service.interfaceDefinition, service.documentation))
        return blocks.joined(separator: "\n\n")
    }

    private static func documented(_ text: String, _ documentation: [String]) -> String {
        (documentation.map { $0.isEmpty ? "///" : "/// \($0)" } + [text]).joined(separator: "\n")
    }
}
