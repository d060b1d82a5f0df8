// The committed fuzz inputs of one target, for the corpus tests that replay them in the
// normal suite (SchemaFuzzCorpusTests, ServerFuzzCorpusTests).
import Foundation

public enum FuzzCorpus {
    /// `Tests/Fuzz/Corpus/TARGET` then `Tests/Fuzz/Regressions/TARGET`, each by file name,
    /// as `(folder/name, bytes)`; dot files and READMEs left out.
    public static func inputs(target: String) throws -> [(name: String, bytes: [UInt8])] {
        let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz")
        var inputs: [(name: String, bytes: [UInt8])] = []
        for folder in ["Corpus/\(target)", "Regressions/\(target)"] {
            let directory = fuzz.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") && !name.hasSuffix(".md") {
                inputs.append(
                    ("\(folder)/\(name)", Array(try Data(contentsOf: directory.appendingPathComponent(name)))))
            }
        }
        return inputs
    }
}
