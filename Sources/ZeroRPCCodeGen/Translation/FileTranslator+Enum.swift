import ZeroRPCSchema

extension FileTranslator {
    /// An `enum`: a raw-value Swift enum (`String` wire names, or `Int64` when every case
    /// has an explicit value), MessagePack coding, and map-key conformance by case name.
    func translateEnum(_ definition: EnumDefinition) {
        let name = definition.name.escapedSwift
        let rawType = definition.isIntegerValued ? "Int64" : "String"
        documentation(definition.documentation, deprecation: definition.deprecation)
        printer.block("\(access)enum \(name): \(rawType), Sendable, Hashable, Codable, CaseIterable") {
            for enumCase in definition.cases {
                documentation(enumCase.documentation, deprecation: enumCase.deprecation)
                let rawValue = enumCase.value.map(String.init) ?? SwiftSpelling.stringLiteral(enumCase.name.wire)
                printer.line("case \(enumCase.name.escapedSwift) = \(rawValue)")
            }
        }
        printer.blankLine()
        let caseList = definition.cases.map(\.name.wire).joined(separator: ", ")
        let expected = SwiftSpelling.stringLiteral("a case of \(definition.name.wire) (\(caseList))")
        printer.block("extension \(name): ZeroRPC.MessagePackCodable") {
            printer.block("\(access)func encode(to writer: inout ZeroRPC.MessagePackWriter)") {
                printer.line("writer.write(rawValue)")
            }
            printer.blankLine()
            enumDecoder(definition, expected: expected)
        }
        printer.blankLine()
        printer.block("extension \(name): ZeroRPC.MessagePackMapKey") {
            enumMapKey(definition)
        }
    }

    /// Reads the raw value; a string enum's case names are matched as bytes, so no
    /// String is made for a valid case.
    private func enumDecoder(_ definition: EnumDefinition, expected: String) {
        printer.block("\(access)init(from reader: inout ZeroRPC.MessagePackReader) throws") {
            guard !definition.isIntegerValued else {
                printer.line("let value = try reader.readInt64()")
                printer.block("guard let decoded = Self(rawValue: value) else") {
                    printer.wrapped(
                        "throw ZeroRPC.MessagePackDecodingError(", ["expected: \(expected)", "found: String(value)"],
                        ")")
                }
                printer.line("self = decoded")
                return
            }
            printer.line("let value = try reader.readStringKey()")
            let branches = definition.cases.map { enumCase in
                (
                    condition: "reader.key(value, is: \(SwiftSpelling.stringLiteral(enumCase.name.wire)))",
                    body: { self.printer.line("self = .\(enumCase.name.escapedSwift)") }
                )
            }
            printer.ifChain(branches) {
                printer.wrapped(
                    "throw ZeroRPC.MessagePackDecodingError(",
                    ["expected: \(expected)", "found: reader.describe(value)"],
                    ")")
            }
        }
    }

    /// Map keys are case names on the wire, also for integer-valued enums.
    private func enumMapKey(_ definition: EnumDefinition) {
        guard definition.isIntegerValued else {
            printer.line("\(access)var messagePackKey: String { rawValue }")
            printer.blankLine()
            printer.block("\(access)init?(messagePackKey: String)") {
                printer.line("self.init(rawValue: messagePackKey)")
            }
            return
        }
        printer.block("\(access)var messagePackKey: String") {
            printer.switchBlock("self") {
                for enumCase in definition.cases {
                    printer.line(
                        "case .\(enumCase.name.escapedSwift): \(SwiftSpelling.stringLiteral(enumCase.name.wire))")
                }
            }
        }
        printer.blankLine()
        printer.block("\(access)init?(messagePackKey: String)") {
            printer.line(
                "guard let value = Self.allCases.first(where: { $0.messagePackKey == messagePackKey }) else { return nil }"
            )
            printer.line("self = value")
        }
    }

    /// A `union`: an enum with one associated value per case, coded as a single-key map.
    func translateUnion(_ definition: UnionDefinition) {
        let name = definition.name.escapedSwift
        let indirect = typeGraph.isIndirect(union: definition.name.wire) ? "indirect " : ""
        documentation(definition.documentation, deprecation: definition.deprecation)
        printer.block("\(access)\(indirect)enum \(name): \(valueConformances(of: definition.name.wire))") {
            for unionCase in definition.cases {
                documentation(unionCase.documentation, deprecation: unionCase.deprecation)
                printer.line("case \(unionCase.name.escapedSwift)(\(SwiftSpelling.type(unionCase.type)))")
            }
        }
        printer.blankLine()
        printer.block("extension \(name): ZeroRPC.MessagePackCodable") {
            printer.block("\(access)func encode(to writer: inout ZeroRPC.MessagePackWriter)") {
                printer.line("writer.writeMapHeader(1)")
                printer.switchBlock("self") {
                    for unionCase in definition.cases {
                        printer.switchCase("case .\(unionCase.name.escapedSwift)(let value):") {
                            printer.line("writer.writeKey(\(SwiftSpelling.stringLiteral(unionCase.name.wire)))")
                            printer.line("writer.write(value)")
                        }
                    }
                }
            }
            printer.blankLine()
            unionDecoder(definition)
        }
    }

    private func unionDecoder(_ definition: UnionDefinition) {
        let caseList = definition.cases.map(\.name.wire).joined(separator: ", ")
        let oneKey = SwiftSpelling.stringLiteral("map with one key, a case of \(definition.name.wire)")
        let expected = SwiftSpelling.stringLiteral("a case of \(definition.name.wire) (\(caseList))")
        printer.block("\(access)init(from reader: inout ZeroRPC.MessagePackReader) throws") {
            printer.line("let count = try reader.readMapHeader()")
            printer.block("guard count == 1 else") {
                printer.wrapped(
                    "throw ZeroRPC.MessagePackDecodingError(",
                    ["expected: \(oneKey)", "found: \"map with \\(count) keys\""], ")")
            }
            printer.line("let key = try reader.readStringKey()")
            let branches = definition.cases.map { unionCase in
                keyBranch(
                    reader: "reader", key: "key", name: unionCase.name, type: unionCase.type,
                    reading: "self = .\(unionCase.name.escapedSwift)(try reader.read(", closing: ")")
            }
            printer.ifChain(branches) {
                printer.wrapped(
                    "throw ZeroRPC.MessagePackDecodingError(",
                    ["expected: \(expected)", "found: reader.describe(key)"], ")")
            }
        }
    }
}
