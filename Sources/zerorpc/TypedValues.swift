// Values checked and converted against IDL types: JSON from the command line into what
// the server expects on the wire, and results into readable form (enum case names,
// timestamps as ISO 8601).
import Foundation
import ZeroRPC
import ZeroRPCSchema

struct TypedValues {
    let schema: Schema

    /// `value` as type `type` goes on the wire; throws naming `place` when it does not fit.
    func convert(_ value: MessagePackValue, to type: TypeReference, at place: String) throws -> MessagePackValue {
        func mismatch(_ expected: String) -> ToolError {
            ToolError("\(place): expected \(expected), got \(JSONText.compact(value))")
        }
        switch type {
        case .any: return value
        case .optional(let wrapped): return value.isNil ? .nil : try convert(value, to: wrapped, at: place)
        case .bool:
            guard case .bool = value else { throw mismatch("a bool") }
            return value
        case .int:
            guard let number = value.int64Value else { throw mismatch("an int") }
            return .int(number)
        case .uint:
            guard let number = value.uint64Value else { throw mismatch("a uint") }
            return .uint(number)
        case .float, .double:
            guard let number = value.doubleValue else { throw mismatch("a number") }
            return .double(number)
        case .string:
            guard case .string = value else { throw mismatch("a string") }
            return value
        case .bytes:
            guard let text = value.stringValue else { throw mismatch("a string (sent as its UTF-8 bytes)") }
            return .binary(Data(text.utf8))
        case .timestamp:
            if let seconds = value.doubleValue {
                guard seconds.isFinite, abs(seconds) < 1e15 else { throw mismatch("seconds since 1970 within range") }
                let whole = seconds.rounded(.down)
                return .timestamp(Timestamp(seconds: Int64(whole), nanoseconds: UInt32((seconds - whole) * 1e9)))
            }
            guard let text = value.stringValue, let date = ISO8601DateFormatter().date(from: text) else {
                throw mismatch("seconds since 1970 or an ISO 8601 date")
            }
            return .timestamp(Timestamp(seconds: Int64(date.timeIntervalSince1970), nanoseconds: 0))
        case .array(let element):
            guard let elements = value.arrayValue else { throw mismatch("an array") }
            return .array(
                try elements.enumerated().map { try convert($0.element, to: element, at: "\(place)[\($0.offset)]") })
        case .map(let key, let valueType):
            guard let entries = value.mapValue else { throw mismatch("an object") }
            return .map(
                try entries.map { entry in
                    let keyText = entry.key.stringValue ?? JSONText.compact(entry.key)
                    let convertedKey: MessagePackValue =
                        if case .named = key { try convert(entry.key, to: key, at: "\(place) key") } else {
                            .string(keyText)
                        }
                    return .init(
                        key: convertedKey, value: try convert(entry.value, to: valueType, at: "\(place).\(keyText)"))
                })
        case .named(let name, _):
            return try convert(value, toNamed: name, at: place)
        }
    }

    private func convert(_ value: MessagePackValue, toNamed name: String, at place: String) throws -> MessagePackValue {
        guard let definition = schema.type(named: name) else { return value }
        switch definition {
        case .enumeration(let enumeration):
            let caseNames = enumeration.cases.map(\.name.wire)
            if let text = value.stringValue, let found = enumeration.cases.first(where: { $0.name.wire == text }) {
                return enumeration.isIntegerValued ? .int(found.value ?? 0) : .string(text)
            }
            if enumeration.isIntegerValued, let number = value.int64Value,
                enumeration.cases.contains(where: { $0.value == number })
            {
                return .int(number)
            }
            throw ToolError(
                "\(place): \(JSONText.compact(value)) is not a case of \(name) (\(caseNames.joined(separator: ", ")))")
        case .structure(let structure):
            guard let entries = value.mapValue else {
                throw ToolError("\(place): expected a \(name) object, got \(JSONText.compact(value))")
            }
            let known = Set(structure.fields.map(\.name.wire))
            if let unknown = entries.compactMap(\.key.stringValue).first(where: { !known.contains($0) }) {
                throw ToolError(
                    "\(place): \(name) has no field `\(unknown)` (fields: \(known.sorted().joined(separator: ", ")))")
            }
            var converted: [MessagePackValue.Entry] = []
            for field in structure.fields {
                guard let fieldValue = value[field.name.wire] else {
                    if field.isOmittable { continue }
                    throw ToolError("\(place): \(name) needs field `\(field.name.wire)`")
                }
                converted.append(
                    .init(
                        key: .string(field.name.wire),
                        value: try convert(fieldValue, to: field.type, at: "\(place).\(field.name.wire)")))
            }
            return .map(converted)
        case .union(let union):
            guard let entries = value.mapValue, entries.count == 1, let caseName = entries[0].key.stringValue,
                let unionCase = union.cases.first(where: { $0.name.wire == caseName })
            else {
                let cases = union.cases.map(\.name.wire).joined(separator: ", ")
                throw ToolError("\(place): expected a \(name) as an object with one of \(cases)")
            }
            return .map([
                .init(
                    key: .string(caseName),
                    value: try convert(entries[0].value, to: unionCase.type, at: "\(place).\(caseName)"))
            ])
        }
    }

    /// A received value made readable: integer-valued enums by case name, typed the way
    /// the IDL declares. Anything unexpected passes through unchanged.
    func present(_ value: MessagePackValue, as type: TypeReference) -> MessagePackValue {
        switch (type, value) {
        case (.optional(let wrapped), _): return value.isNil ? .nil : present(value, as: wrapped)
        case (.array(let element), .array(let elements)): return .array(elements.map { present($0, as: element) })
        case (.map(_, let valueType), .map(let entries)):
            return .map(entries.map { .init(key: $0.key, value: present($0.value, as: valueType)) })
        case (.named(let name, _), _):
            switch schema.type(named: name) {
            case .enumeration(let enumeration)?:
                guard let number = value.int64Value, let found = enumeration.cases.first(where: { $0.value == number })
                else { return value }
                return .string(found.name.wire)
            case .structure(let structure)?:
                guard case .map(let entries) = value else { return value }
                return .map(
                    entries.map { entry in
                        guard let field = structure.fields.first(where: { .string($0.name.wire) == entry.key }) else {
                            return entry
                        }
                        return .init(key: entry.key, value: present(entry.value, as: field.type))
                    })
            case .union(let union)?:
                guard case .map(let entries) = value, entries.count == 1,
                    let unionCase = union.cases.first(where: { .string($0.name.wire) == entries[0].key })
                else { return value }
                return .map([.init(key: entries[0].key, value: present(entries[0].value, as: unionCase.type))])
            case nil: return value
            }
        default: return value
        }
    }
}
