// libFuzzer entry point for event decoding and server dispatch; built by `make fuzz` with
// swiftc, the runtime's sources compiled into this module (swift-log beside it), so the
// server under test is the real `Server`: its I/O thread, ROUTER socket, method table,
// stream, generator and deferred machinery.
//
// One server lives for the whole run, bound to `inproc://`, with unary, one-way, stream
// and generator methods. A DEALER socket plays the peer. Each input is a sequence of
// messages, split on the bytes C1 00; each message is a sequence of frames, split on
// C1 01 (0xC1 is the one byte msgpack never uses, so seeds keep their events whole). The
// harness sends the messages as they are, then a `_zerorpc_ping` probe with an id of its
// own, and reads until the probe's answer comes back.
//
// Properties checked on every input:
// - no crash (ASan, traps) in the server or the runtime, whatever the frames;
// - every message the server sends decodes as an event;
// - the probe sent after the input is answered `OK` within 10 seconds (heartbeats on its
//   channel are answered meanwhile): whatever came before, the next good call is served.
import CZeroMQ
import Foundation
import Logging

/// The server under test and the socket that talks to it, made by the first input.
final class ServerFuzzHarness {
    static let endpoint = "inproc://zerorpc-server-fuzz"
    static let probeTimeout: Duration = .seconds(10)

    let server: Server
    let peer: ZMQSocket
    var probes: UInt64 = 0

    init() {
        var logger = Logger(label: "zerorpc.fuzz")
        logger.logLevel = .critical  // malformed input is the point; its warnings are noise
        server = Server(
            name: "fuzz",
            options: ServerOptions(
                heartbeatInterval: .milliseconds(500), maximumConcurrentCalls: 64, maximumQueuedCalls: 256,
                maximumMessageSize: 1 << 20, logger: logger))
        do {
            try server.register(FuzzService())
            try server.register(name: "echo") { arguments, _ in .array(arguments) }
            try server.register(name: "wait") { arguments, _ in
                // Long enough to overlap the next input, short enough not to fill the slots.
                let milliseconds = max(0, min(arguments.first?.int64Value ?? 0, 50))
                try await Task.sleep(for: .milliseconds(milliseconds))
                return .int(milliseconds)
            }
            _ = try server.bind(Self.endpoint)
            peer = try ZMQSocket(.dealer)
            try peer.connect(Self.endpoint)
        } catch {
            fatalError("fuzz harness setup failed: \(error)")
        }
    }

    /// Sends the messages of `input`, then the probe, and waits for the probe's answer.
    func run(_ input: [UInt8]) {
        for message in Self.split(input, marker: 0x00).prefix(16) {
            let frames = Array(Self.split(message, marker: 0x01).prefix(8))
            guard peer.send(frames) == .sent else { fatalError("could not hand a message to libzmq") }
        }
        probes &+= 1
        var probeID: [UInt8] = []
        EventEncoder.appendString("probe-\(probes)", to: &probeID)
        let probe = EventEncoder.encode(
            messageID: probeID, responseTo: nil, name: "_zerorpc_ping", arguments: [0x90])
        guard peer.send([[], probe]) == .sent else { fatalError("could not hand the probe to libzmq") }
        awaitAnswer(to: probeID[...])
    }

    private func awaitAnswer(to probeID: ArraySlice<UInt8>) {
        let deadline = ContinuousClock.now.advanced(by: Self.probeTimeout)
        while true {
            while let frames = try? peer.receiveMessage() {
                guard let payload = frames.last else { fatalError("the server sent a message without frames") }
                let event: EventEnvelope
                do {
                    event = try EventEnvelope(decoding: payload)
                } catch {
                    fatalError("the server sent an event that does not decode: \(error) \(payload)")
                }
                guard let responseTo = event.responseTo, sameBytes(responseTo, probeID) else { continue }
                switch event.name {
                case "OK":
                    return
                case "_zpc_hb":
                    // A probe slower than a heartbeat period (a loaded machine) is
                    // heartbeated like any open call; answer as a client does, or the
                    // server would take this peer for lost after two periods.
                    _ = peer.send([[], EventEncoder.heartbeat(responseTo: probeID)])
                default:
                    fatalError("the probe was answered '\(event.name)'")
                }
            }
            let left = deadline - .now
            guard left > .zero else { fatalError("the server did not answer the probe within \(Self.probeTimeout)") }
            var item = zmq_pollitem_t(socket: peer.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
            _ = zmq_poll(&item, 1, Int(left.components.seconds * 1000 + 1))
        }
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
}

/// Stream, generator and one-way methods, as generated code would register them.
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

nonisolated(unsafe) let serverFuzzHarness = ServerFuzzHarness()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServerDispatch(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    serverFuzzHarness.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
