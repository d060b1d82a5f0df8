// JSON in and out of `MessagePackValue`: arguments typed on the command line, results
// printed for people and scripts. Hand-written so map order and exact integers survive.
import Foundation
import ZeroRPC

enum JSONText {
    /// One line of JSON.
    static func compact(_ value: MessagePackValue) -> String {
        var text = ""
        write(value, to: &text, indent: nil)
        return text
    }

    /// Indented JSON for a terminal.
    static func pretty(_ value: MessagePackValue) -> String {
        var text = ""
        write(value, to: &text, indent: "")
        return text
    }

    /// Parses one JSON value; nil when `text` is not JSON.
    static func parse(_ text: String) -> MessagePackValue? {
        var parser = JSONParser(bytes: Array(text.utf8))
        guard let value = try? parser.parseValue(depth: 0) else { return nil }
        parser.skipWhitespace()
        return parser.isAtEnd ? value : nil
    }

    private static func write(_ value: MessagePackValue, to text: inout String, indent: String?) {
        switch value {
        case .nil: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .int(let number): text += String(number)
        case .uint(let number): text += String(number)
        case .float(let number): text += number.isFinite ? "\(number)" : quoted("\(number)")
        case .double(let number): text += number.isFinite ? "\(number)" : quoted("\(number)")
        case .string(let string): text += quoted(string)
        case .binary(let data): text += quoted(data.base64EncodedString())
        case .timestamp(let timestamp): text += quoted(isoText(timestamp))
        case .extension(let type, let data):
            write(["ext": .int(Int64(type)), "data": .string(data.base64EncodedString())], to: &text, indent: indent)
        case .array(let elements):
            writeContainer(elements, open: "[", close: "]", to: &text, indent: indent) { element, text, inner in
                write(element, to: &text, indent: inner)
            }
        case .map(let entries):
            writeContainer(entries, open: "{", close: "}", to: &text, indent: indent) { entry, text, inner in
                text += quoted(entry.key.stringValue ?? compact(entry.key))
                text += indent == nil ? ":" : ": "
                write(entry.value, to: &text, indent: inner)
            }
        }
    }

    private static func writeContainer<Element>(
        _ elements: [Element], open: String, close: String, to text: inout String, indent: String?,
        _ writeElement: (Element, inout String, String?) -> Void
    ) {
        text += open
        guard !elements.isEmpty else {
            text += close
            return
        }
        let inner = indent.map { $0 + "  " }
        for (index, element) in elements.enumerated() {
            if index > 0 { text += "," }
            if let inner { text += "\n" + inner }
            writeElement(element, &text, inner)
        }
        if let indent { text += "\n" + indent }
        text += close
    }

    static func quoted(_ string: String) -> String {
        var text = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20: text += String(format: "\\u%04x", scalar.value)
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    /// `2026-12-06T08:00:00.123456789Z`.
    static func isoText(_ timestamp: Timestamp) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(timestamp.seconds))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let fraction = timestamp.nanoseconds == 0 ? "" : String(format: ".%09d", timestamp.nanoseconds)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0) + fraction + "Z"
    }
}

/// A recursive-descent JSON reader producing `MessagePackValue`: integers as `.int` (or
/// `.uint` above `Int64.max`), other numbers as `.double`, objects as maps in order.
private struct JSONParser {
    struct Failure: Error {}

    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index >= bytes.count }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x0a, 0x0d, 0x09].contains(bytes[index]) { index += 1 }
    }

    mutating func parseValue(depth: Int) throws(Failure) -> MessagePackValue {
        guard depth < 256 else { throw Failure() }
        skipWhitespace()
        guard index < bytes.count else { throw Failure() }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .nil)
        default: return try parseNumber()
        }
    }

    private mutating func literal(_ word: String, _ value: MessagePackValue) throws(Failure) -> MessagePackValue {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw Failure()
        }
        index += expected.count
        return value
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { throw Failure() }
        index += 1
    }

    private mutating func parseObject(depth: Int) throws(Failure) -> MessagePackValue {
        try expect(UInt8(ascii: "{"))
        var entries: [MessagePackValue.Entry] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .map(entries)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Failure() }
            let key = try parseString()
            try expect(UInt8(ascii: ":"))
            entries.append(.init(key: .string(key), value: try parseValue(depth: depth + 1)))
            skipWhitespace()
            guard index < bytes.count else { throw Failure() }
            index += 1
            if bytes[index - 1] == UInt8(ascii: "}") { return .map(entries) }
            guard bytes[index - 1] == UInt8(ascii: ",") else { throw Failure() }
        }
    }

    private mutating func parseArray(depth: Int) throws(Failure) -> MessagePackValue {
        try expect(UInt8(ascii: "["))
        var elements: [MessagePackValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw Failure() }
            index += 1
            if bytes[index - 1] == UInt8(ascii: "]") { return .array(elements) }
            guard bytes[index - 1] == UInt8(ascii: ",") else { throw Failure() }
        }
    }

    private mutating func parseString() throws(Failure) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
            raw.removeAll()
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") {
                flush()
                return String(scalars)
            }
            guard byte == UInt8(ascii: "\\") else {
                raw.append(byte)
                continue
            }
            guard index < bytes.count else { throw Failure() }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "n"): raw.append(0x0a)
            case UInt8(ascii: "t"): raw.append(0x09)
            case UInt8(ascii: "r"): raw.append(0x0d)
            case UInt8(ascii: "b"): raw.append(0x08)
            case UInt8(ascii: "f"): raw.append(0x0c)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                {
                    index += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw Failure() }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                flush()
                guard let scalar = Unicode.Scalar(code) else { throw Failure() }
                scalars.append(scalar)
            default: raw.append(escape)
            }
        }
        throw Failure()
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard bytes.count - index >= 4,
            let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw Failure() }
        index += 4
        return code
    }

    private mutating func parseNumber() throws(Failure) -> MessagePackValue {
        let start = index
        let numberBytes = Set("+-0123456789.eE".utf8)
        while index < bytes.count, numberBytes.contains(bytes[index]) { index += 1 }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard !text.isEmpty else { throw Failure() }
        if let integer = Int64(text) { return .int(integer) }
        if let integer = UInt64(text) { return .uint(integer) }
        guard let double = Double(text), double.isFinite else { throw Failure() }
        return .double(double)
    }
}
