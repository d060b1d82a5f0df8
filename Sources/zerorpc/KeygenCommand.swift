// `zerorpc keygen`: a fresh CurveZMQ key pair in Z85, for `ServerSecurity.curve` and
// `--curve-server-key`.
import ArgumentParser
import ZeroRPC

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen", abstract: "Generate a CurveZMQ key pair (Z85 text).")

    @Flag(help: "Print JSON: {\"public\": …, \"secret\": …}.")
    var json = false

    func run() throws {
        let pair = try CurveKeyPair.generate()
        if json {
            print(JSONText.compact(["public": .string(pair.publicKey), "secret": .string(pair.secretKey)]))
        } else {
            print("public: \(pair.publicKey)")
            print("secret: \(pair.secretKey)")
        }
    }
}
