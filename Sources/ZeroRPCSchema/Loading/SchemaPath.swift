/// Path arithmetic for imports, on plain strings with `/` separators (no Foundation).
///
/// Loaded files are known by their normalized path (`SchemaFile.path`).
public enum SchemaPath {
    /// The directory part of `path`: `a/b.rpc` -> `a`, `b.rpc` -> `` (the current directory).
    static func directory(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return slash == path.utf8.startIndex ? "/" : String(decoding: path.utf8[..<slash], as: UTF8.self)
    }

    /// Where `import "name"` in the file at `importer` points: absolute names stay,
    /// relative ones are taken from the importing file's directory.
    static func resolve(_ name: String, importedFrom importer: String) -> String {
        if name.utf8.first == UInt8(ascii: "/") { return normalize(name) }
        let directory = directory(of: importer)
        return normalize(directory.isEmpty ? name : directory + "/" + name)
    }

    /// Removes `.` and `dir/..` components and doubled slashes, so one file has one spelling.
    ///
    /// Works on the UTF-8 bytes, as file systems do: a `/` is a separator even before a
    /// combining mark (which would make it part of one Character), and splitting bytes
    /// costs no grapheme breaking — the loader normalizes every import path.
    public static func normalize(_ path: String) -> String {
        let bytes = Array(path.utf8)
        let isAbsolute = bytes.first == UInt8(ascii: "/")
        let dot = [UInt8(ascii: ".")]
        let dotDot = [UInt8(ascii: "."), UInt8(ascii: ".")]
        var components: [ArraySlice<UInt8>] = []
        for component in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if component.elementsEqual(dot) { continue }
            if component.elementsEqual(dotDot), let last = components.last, !last.elementsEqual(dotDot) {
                components.removeLast()
            } else if component.elementsEqual(dotDot), isAbsolute {
                continue
            } else {
                components.append(component)
            }
        }
        let joined = String(decoding: Array(components.joined(separator: [UInt8(ascii: "/")])), as: UTF8.self)
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
