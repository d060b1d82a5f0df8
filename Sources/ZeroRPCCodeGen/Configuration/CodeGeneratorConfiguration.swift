import Foundation
import ZeroRPCSchema

/// The `zerorpc-gen.json` file that sets generator options for the `.rpc` files below it.
///
/// ```json
/// { "accessLevel": "internal" }
/// ```
///
/// The nearest file up the directory tree from a `.rpc` file wins; unknown keys are an
/// error, so a misspelt option never goes unnoticed.
public enum CodeGeneratorConfiguration {
    public static let fileName = "zerorpc-gen.json"

    /// The keys the file may hold, with what each accepts.
    public static let knownKeys: [String: String] = [
        "accessLevel": "`\"public\"` or `\"internal\"`"
    ]

    /// Reads a configuration file's contents into options, or a diagnostic pointing at the file.
    public static func parse(_ bytes: [UInt8], path: String) -> Result<CodeGeneratorOptions, ConfigurationError> {
        func failure(_ message: String) -> Result<CodeGeneratorOptions, ConfigurationError> {
            .failure(
                ConfigurationError(
                    diagnostic: Diagnostic(.error, message, path: path, at: SourceLocation(line: 1, column: 1))))
        }
        guard let settings = try? JSONDecoder().decode([String: SettingValue].self, from: Data(bytes)) else {
            return failure("\(fileName) must hold a JSON object, e.g. {\"accessLevel\": \"internal\"}")
        }
        var options = CodeGeneratorOptions()
        for key in settings.keys.sorted() {
            let value = settings[key]
            switch key {
            case "accessLevel":
                guard case .text(let text)? = value, let level = CodeGeneratorOptions.AccessLevel(rawValue: text) else {
                    return failure("`accessLevel` must be \(knownKeys["accessLevel"] ?? "")")
                }
                options.accessLevel = level
            default:
                let known = knownKeys.keys.sorted().map { "`\($0)`" }.joined(separator: ", ")
                return failure("unknown key `\(key)` in \(fileName); known keys: \(known)")
            }
        }
        return .success(options)
    }

    /// A setting's JSON value: the string the options take, or anything else.
    private enum SettingValue: Decodable {
        case text(String)
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .other
            }
        }
    }

    /// The configuration file nearest to `directory`: in it, or in the closest parent.
    public static func nearestFile(from directory: String, fileExists: (String) -> Bool) -> String? {
        var current = directory.isEmpty ? "." : directory
        while true {
            let candidate: String
            switch current {
            case ".": candidate = fileName
            case "/": candidate = "/" + fileName
            default: candidate = current + "/" + fileName
            }
            if fileExists(candidate) { return candidate }
            guard let parent = parentDirectory(of: current) else { return nil }
            current = parent
        }
    }

    private static func parentDirectory(of path: String) -> String? {
        if path == "/" || path == "." { return nil }
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// A configuration file that cannot be used, as a diagnostic on that file.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The message, pointing at the configuration file.
    public var diagnostic: Diagnostic
    public var description: String { diagnostic.description }
}

/// The name of ``CodeGeneratorConfiguration`` before "generator" was left to the
/// runtime's two-way streams (`Generator<Yield, Sent>`).
@available(*, deprecated, renamed: "CodeGeneratorConfiguration")
public typealias GeneratorConfiguration = CodeGeneratorConfiguration
