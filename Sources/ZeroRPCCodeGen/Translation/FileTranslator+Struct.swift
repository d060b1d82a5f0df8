import ZeroRPCSchema

extension FileTranslator {
    /// A `struct` or `error`: a value type with an initializer, then its MessagePack
    /// conformance (a map keyed by field name), and `DeclaredError` for errors.
    func translateStruct(_ definition: StructDefinition) {
        let name = definition.name.escapedSwift
        let boxed = Set(definition.fields.filter { typeGraph.needsBox($0, in: definition.name.wire) }.map(\.name))
        documentation(definition.documentation, deprecation: definition.deprecation)
        printer.block("\(access)struct \(name): \(valueConformances(of: definition.name.wire))") {
            for field in definition.fields {
                if !field.documentation.isEmpty || field.deprecation != nil || boxed.contains(field.name) {
                    printer.blankLine()
                }
                documentation(field.documentation, deprecation: field.deprecation)
                let type = SwiftSpelling.type(field.type)
                if boxed.contains(field.name) {
                    printer.block("\(access)var \(field.name.escapedSwift): \(type)") {
                        printer.line("get { _\(field.name.swift).first }")
                        printer.line("set { _\(field.name.swift) = newValue.map { [$0] } ?? [] }")
                    }
                    printer.line("private var _\(field.name.swift): [\(SwiftSpelling.type(unwrapped(field.type)))]")
                    printer.blankLine()
                } else {
                    printer.line("\(access)var \(field.name.escapedSwift): \(type)")
                }
            }
            printer.blankLine()
            structInitializer(definition.fields, boxed: boxed)
            if !typeGraph.containsAnyValue(definition.name.wire) {
                codingKeys(definition.fields, boxed: boxed)
            }
        }
        printer.blankLine()
        printer.block("extension \(name): ZeroRPC.MessagePackCodable") {
            structEncoder(definition.fields)
            printer.blankLine()
            structDecoder(definition.fields, typeName: definition.name.wire, boxed: boxed)
        }
        if definition.isError {
            printer.blankLine()
            printer.block("extension \(name): ZeroRPC.DeclaredError") {
                printer.line(
                    "\(access)static var wireName: String { \(SwiftSpelling.stringLiteral(definition.name.wire)) }")
            }
        }
    }

    private func unwrapped(_ type: TypeReference) -> TypeReference {
        if case .optional(let wrapped) = type { return wrapped }
        return type
    }

    /// The memberwise initializer, with defaults for optional and defaulted fields.
    private func structInitializer(_ fields: [FieldDefinition], boxed: Set<Name>) {
        let parameters = fields.map { field in
            "\(field.name.escapedSwift): \(SwiftSpelling.type(field.type))\(defaultClause(for: field))"
        }
        printer.wrappedBlock("\(access)init(", parameters, ")") {
            for field in fields {
                if boxed.contains(field.name) {
                    printer.line("self._\(field.name.swift) = \(field.name.escapedSwift).map { [$0] } ?? []")
                } else {
                    printer.line("self.\(field.name.escapedSwift) = \(field.name.escapedSwift)")
                }
            }
        }
    }

    /// ` = default` for a field or parameter a caller may leave out.
    func defaultClause(for field: FieldDefinition) -> String {
        if let value = field.defaultValue { return " = " + SwiftSpelling.literal(value) }
        return field.type.isOptional ? " = nil" : ""
    }

    /// `CodingKeys` when a Swift name differs from its wire name, so `Codable` uses wire names.
    private func codingKeys(_ fields: [FieldDefinition], boxed: Set<Name>) {
        guard fields.contains(where: { $0.name.swift != $0.name.wire || boxed.contains($0.name) }) else { return }
        printer.blankLine()
        printer.block("enum CodingKeys: String, CodingKey") {
            for field in fields {
                let key = boxed.contains(field.name) ? "_" + field.name.swift : field.name.escapedSwift
                let wire = SwiftSpelling.stringLiteral(field.name.wire)
                let sameSpelling = !boxed.contains(field.name) && field.name.swift == field.name.wire
                printer.line(sameSpelling ? "case \(key)" : "case \(key) = \(wire)")
            }
        }
    }

    /// Every field, nil optionals included, as `key, value` pairs of one map; the keys
    /// go out from static literals.
    private func structEncoder(_ fields: [FieldDefinition]) {
        printer.block("\(access)func encode(to writer: inout ZeroRPC.MessagePackWriter)") {
            printer.line("writer.writeMapHeader(\(fields.count))")
            for field in fields {
                printer.line("writer.writeKey(\(SwiftSpelling.stringLiteral(field.name.wire)))")
                printer.line("writer.write(self.\(field.name.escapedSwift))")
            }
        }
    }

    /// Reads the map in any key order, matching keys as bytes, skips unknown keys
    /// (a repeated key: the last one wins), applies defaults, and names a missing
    /// required field in the error.
    private func structDecoder(_ fields: [FieldDefinition], typeName: String, boxed: Set<Name>) {
        let reader = uniqueName("reader", avoiding: fields.map(\.name))
        let key = uniqueName("key", avoiding: fields.map(\.name))
        printer.block("\(access)init(from \(reader): inout ZeroRPC.MessagePackReader) throws") {
            for field in fields {
                // An optional with a default keeps "absent" (default) apart from "nil" (nil).
                let keepsNil = field.type.isOptional && field.defaultValue.map { $0 != .nil } == true
                let local = SwiftSpelling.type(keepsNil ? field.type : unwrapped(field.type))
                printer.line("var \(field.name.escapedSwift): \(local)?")
            }
            printer.block("for _ in 0..<(try \(reader).readMapHeader())") {
                // Keys are read as a str even when no field can match, as before: a key of
                // another type is an error.
                printer.line("\(fields.isEmpty ? "_" : "let \(key)") = try \(reader).readStringKey()")
                let branches = fields.map { field in
                    keyBranch(
                        reader: reader, key: key, name: field.name, type: field.type,
                        reading: "\(field.name.escapedSwift) = try \(reader).read(")
                }
                printer.ifChain(branches) { printer.line("try \(reader).skipValue()") }
            }
            for field in fields {
                assignDecodedField(field, boxed: boxed.contains(field.name))
            }
        }
    }

    /// One branch of a decoder's chain of key comparisons: when `key` is `name`'s bytes,
    /// `reading` + `T.self, field: "name")` + `closing`.
    func keyBranch(
        reader: String, key: String, name: Name, type: TypeReference, reading: String, closing: String = ""
    ) -> (condition: String, body: () -> Void) {
        let wire = SwiftSpelling.stringLiteral(name.wire)
        return (
            condition: "\(reader).key(\(key), is: \(wire))",
            body: {
                self.printer.wrapped(reading, ["\(SwiftSpelling.type(type)).self", "field: \(wire)"], ")" + closing)
            }
        )
    }

    private func assignDecodedField(_ field: FieldDefinition, boxed: Bool) {
        let local = field.name.escapedSwift
        let target = boxed ? "self._\(field.name.swift)" : "self.\(local)"
        let value: String
        if let defaultValue = field.defaultValue, defaultValue != .nil {
            value = "\(local) ?? \(SwiftSpelling.literal(defaultValue))"
        } else if field.type.isOptional {
            value = local
        } else {
            let wire = SwiftSpelling.stringLiteral(field.name.wire)
            let missing = "throw ZeroRPC.MessagePackDecodingError.missingField(\(wire))"
            printer.shortBlock("guard let \(local) = \(local) else", missing)
            value = local
        }
        printer.line(boxed ? "\(target) = \(value).map { [$0] } ?? []" : "\(target) = \(value)")
    }
}
