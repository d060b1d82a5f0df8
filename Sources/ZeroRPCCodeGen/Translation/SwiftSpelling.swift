import ZeroRPCSchema

/// How model types and values are written in Swift source.
enum SwiftSpelling {
    /// The Swift type of an IDL type; runtime names are always qualified.
    static func type(_ type: TypeReference) -> String {
        switch type {
        case .bool: return "Bool"
        case .int: return "Int64"
        case .uint: return "UInt64"
        case .float: return "Float"
        case .double: return "Double"
        case .string: return "String"
        case .bytes: return "Foundation.Data"
        case .timestamp: return "ZeroRPC.Timestamp"
        case .any: return "ZeroRPC.MessagePackValue"
        case .optional(let wrapped): return Self.type(wrapped) + "?"
        case .array(let element): return "[\(Self.type(element))]"
        case .map(let key, let value): return "[\(Self.type(key)): \(Self.type(value))]"
        case .named(let name, _): return Name(typeName: name).escapedSwift
        }
    }

    /// A Swift string literal with the characters that need it escaped.
    static func stringLiteral(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case "\0": escaped += "\\0"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    escaped += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return "\"\(escaped)\""
    }

    /// A checked default value as a Swift expression of its field's type.
    static func literal(_ value: DefaultValue) -> String {
        switch value {
        case .nil: return "nil"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .uint(let number): return String(number)
        case .double(let number): return "\(number)"
        case .string(let text): return stringLiteral(text)
        case .enumCase(let name): return "." + name.escapedSwift
        case .array(let elements): return "[" + elements.map(literal).joined(separator: ", ") + "]"
        case .map(let entries):
            guard !entries.isEmpty else { return "[:]" }
            return "[" + entries.map { literal($0.key) + ": " + literal($0.value) }.joined(separator: ", ") + "]"
        }
    }

    /// A default value as a `ZeroRPC.MessagePackValue` expression, for introspection.
    static func messagePackValue(_ value: DefaultValue, of type: TypeReference, in schema: Schema) -> String {
        switch (value, type) {
        case (_, .optional(let wrapped)):
            return value == .nil ? ".nil" : messagePackValue(value, of: wrapped, in: schema)
        case (.bool(let flag), _): return ".bool(\(flag))"
        case (.int(let number), _): return ".int(\(number))"
        case (.uint(let number), _): return ".uint(\(number))"
        case (.double(_), .float): return ".float(\(literal(value)))"
        case (.double(_), _): return ".double(\(literal(value)))"
        case (.string(let text), _): return ".string(\(stringLiteral(text)))"
        case (.enumCase(let name), .named(let enumName, _)):
            if case .enumeration(let definition)? = schema.type(named: enumName), definition.isIntegerValued,
                let number = definition.cases.first(where: { $0.name == name })?.value
            {
                return ".int(\(number))"
            }
            return ".string(\(stringLiteral(name.wire)))"
        case (.array(let elements), .array(let element)):
            return ".array([" + elements.map { messagePackValue($0, of: element, in: schema) }.joined(separator: ", ")
                + "])"
        case (.map(let entries), .map(_, let valueType)):
            let rendered = entries.map { entry in
                ".init(key: .string(\(stringLiteral(mapKeyText(entry.key)))), value: \(messagePackValue(entry.value, of: valueType, in: schema)))"
            }
            return ".map([" + rendered.joined(separator: ", ") + "])"
        default:
            return ".nil"
        }
    }

    /// A map key as it goes on the wire: text, decimal digits, or a case name.
    private static func mapKeyText(_ key: DefaultValue) -> String {
        switch key {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .enumCase(let name): return name.wire
        default: return ""
        }
    }
}
