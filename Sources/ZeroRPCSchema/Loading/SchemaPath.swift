/// Path arithmetic for imports, on plain strings with `/` separators (no Foundation).
///
/// Loaded files are known by their normalized path (`SchemaFile.path`).
public enum SchemaPath {
    /// The directory part of `path`: `a/b.rpc` -> `a`, `b.rpc` -> `` (the current directory).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Where `import "name"` in the file at `importer` points: absolute names stay,
    /// relative ones are taken from the importing file's directory.
    static func resolve(_ name: String, importedFrom importer: String) -> String {
        if name.hasPrefix("/") { return normalize(name) }
        let directory = directory(of: importer)
        return normalize(directory.isEmpty ? name : directory + "/" + name)
    }

    /// Removes `.` and `dir/..` components and doubled slashes, so one file has one spelling.
    public static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var components: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == "..", let last = components.last, last != ".." {
                components.removeLast()
            } else if component == "..", isAbsolute {
                continue
            } else {
                components.append(component)
            }
        }
        let joined = components.joined(separator: "/")
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
