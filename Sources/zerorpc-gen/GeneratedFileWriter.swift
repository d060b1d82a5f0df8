import Foundation

/// Writes generated files only when their content changes, so builds that depend on
/// them are not redone for nothing.
enum GeneratedFileWriter {
    static func write(_ source: String, to path: String) throws {
        let data = Data(source.utf8)
        if FileManager.default.contents(atPath: path) == data { return }
        let directory = URL(filePath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try data.write(to: URL(filePath: path), options: .atomic)
    }
}
