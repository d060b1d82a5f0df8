// libFuzzer entry point for event decoding and server dispatch; built by `make fuzz` with
// swiftc, the runtime's sources compiled into this module (swift-log beside it), so the
// server under test is the real `Server`: its I/O thread, ROUTER socket, method table,
// stream, generator and deferred machinery.
//
// One server lives for the whole run, bound to `inproc://`, with unary, one-way, stream
// and generator methods. A DEALER socket plays the peer. Each input is a sequence of
// messages, split on the bytes C1 00; each message is a sequence of frames, split on
// C1 01. The harness sends the messages as they are, then a `_zerorpc_ping` probe with an
// id of its own, and reads until the probe's answer comes back. The input format and the
// server are in Tests/ZeroRPCTests/Fuzz/ServerFuzzInput.swift, which ServerFuzzCorpusTests
// shares to replay the seeds and crash regressions in the normal suite.
//
// Properties checked on every input:
// - no crash (ASan, traps) in the server or the runtime, whatever the frames;
// - every message the server sends decodes as an event;
// - the probe sent after the input is answered `OK` within 10 seconds (heartbeats on its
//   channel are answered meanwhile): whatever came before, the next good call is served.
import CZeroMQ

/// The server under test and the socket that talks to it, made by the first input.
final class ServerFuzzHarness {
    static let endpoint = "inproc://zerorpc-server-fuzz"
    static let probeTimeout: Duration = .seconds(10)

    let server: Server
    let peer: ZMQSocket
    var probes: UInt64 = 0

    init() {
        do {
            server = try ServerFuzzInput.makeServer()
            _ = try server.bind(Self.endpoint)
            peer = try ZMQSocket(.dealer)
            try peer.connect(Self.endpoint)
        } catch {
            fatalError("fuzz harness setup failed: \(error)")
        }
    }

    /// Sends the messages of `input`, then the probe, and waits for the probe's answer.
    func run(_ input: [UInt8]) {
        for frames in ServerFuzzInput.messages(input) {
            guard peer.send(frames) == .sent else { fatalError("could not hand a message to libzmq") }
        }
        probes &+= 1
        let probe = ServerFuzzInput.probe(probes)
        guard peer.send([[], probe.payload]) == .sent else { fatalError("could not hand the probe to libzmq") }
        awaitAnswer(to: probe.id[...])
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
}

nonisolated(unsafe) let serverFuzzHarness = ServerFuzzHarness()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServerDispatch(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    serverFuzzHarness.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
