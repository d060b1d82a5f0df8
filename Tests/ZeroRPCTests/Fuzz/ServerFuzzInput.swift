// The input format and the server of the server fuzz target (Tests/Fuzz/ServerFuzz.swift,
// `make fuzz`), shared with ServerFuzzCorpusTests, which replays the committed seeds and
// crash regressions in the normal suite. The fuzz build compiles this file into a module
// that is itself ZeroRPC, where the import below is ignored.
import Logging

@testable import ZeroRPC

/// How the server fuzz target reads its bytes: messages split on C1 00, each message's
/// frames split on C1 01 (0xC1 is the one byte msgpack never uses, so seeds keep their
/// events whole).
enum ServerFuzzInput {
    /// At most this many messages per input, and frames per message.
    static let maximumMessages = 16
    static let maximumFrames = 8

    /// The messages `bytes` stands for, each a list of frames.
    static func messages(_ bytes: [UInt8]) -> [[[UInt8]]] {
        split(bytes, marker: 0x00).prefix(maximumMessages).map { Array(split($0, marker: 0x01).prefix(maximumFrames)) }
    }

    /// `bytes` cut at each C1 `marker` pair; empty pieces are dropped for messages (a
    /// message needs a frame), kept for frames (an empty frame is a frame).
    static func split(_ bytes: [UInt8], marker: UInt8) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0xC1, index + 1 < bytes.count, bytes[index + 1] == marker {
                pieces.append(current)
                current = []
                index += 2
            } else {
                current.append(bytes[index])
                index += 1
            }
        }
        pieces.append(current)
        return marker == 0x00 ? pieces.filter { !$0.isEmpty } : pieces
    }

    /// The server under test: unary (dynamic and typed), one-way, stream and generator
    /// methods, small limits so a burst of calls reaches them, warnings off (malformed
    /// input is the point; its warnings are noise).
    static func makeServer(heartbeat: Duration = .milliseconds(500)) throws -> Server {
        var logger = Logger(label: "zerorpc.fuzz")
        logger.logLevel = .critical
        let server = Server(
            name: "fuzz",
            options: ServerOptions(
                heartbeatInterval: heartbeat, maximumConcurrentCalls: 64, maximumQueuedCalls: 256,
                maximumMessageSize: 1 << 20, logger: logger))
        try server.register(FuzzService())
        try server.register(name: "echo") { arguments, _ in .array(arguments) }
        try server.register(name: "wait") { arguments, _ in
            // Long enough to overlap the next input, short enough not to fill the slots.
            let milliseconds = max(0, min(arguments.first?.int64Value ?? 0, 50))
            try await Task.sleep(for: .milliseconds(milliseconds))
            return .int(milliseconds)
        }
        return server
    }

    /// The `_zerorpc_ping` sent after each input, with an id no seed uses.
    static func probe(_ number: UInt64) -> (id: [UInt8], payload: [UInt8]) {
        var id: [UInt8] = []
        EventEncoder.appendString("probe-\(number)", to: &id)
        return (id, EventEncoder.encode(messageID: id, responseTo: nil, name: "_zerorpc_ping", arguments: [0x90]))
    }
}

/// Stream, generator, one-way and typed unary methods, as generated code registers them.
struct FuzzService: RegistrableService {
    static var namespace: String? { "fz" }
    static var interfaceDefinition: String { "namespace fz" }

    var methods: [ServiceMethod] {
        [
            .stream("count", parameters: [ParameterInfo(name: "n")], doc: nil, element: Int64.self) {
                arguments, stream, _ in
                let n = max(0, min(try arguments.next(Int64.self, name: "n"), 64))
                try arguments.finish()
                for value in 0..<n { try await stream.write(value) }
            },
            .generator("accumulate", parameters: [], doc: nil, yield: Int64.self, sent: Int64.self) {
                arguments, generator, _ in
                try arguments.finish()
                var total: Int64 = 0
                for _ in 0..<64 { total &+= try await generator.yield(total) ?? 1 }
            },
            .oneway("note", parameters: [ParameterInfo(name: "text")], doc: nil) { arguments, _ in
                _ = try arguments.next(String.self, name: "text")
                try arguments.finish()
            },
            .unary("add", parameters: [ParameterInfo(name: "a"), ParameterInfo(name: "b", default: 0)], doc: nil) {
                arguments, _ in
                let a = try arguments.next(Int64.self, name: "a")
                let b = try arguments.next(Int64.self, name: "b", default: 0)
                try arguments.finish()
                return a &+ b
            },
        ]
    }
}
