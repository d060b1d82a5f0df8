// The server fuzz target's property in the normal suite: every committed seed and crash
// regression (Tests/Fuzz/Corpus/server, Tests/Fuzz/Regressions/server), sent as raw
// frames to a real server, leaves it answering the next good call, and everything it
// sends decodes. A crash `make fuzz` finds goes into Regressions/server to stay fixed.
import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

@Suite struct ServerFuzzCorpusTests {
    @Test func everySeedAndRegressionLeavesTheServerAnswering() async throws {
        let inputs = try FuzzCorpus.inputs(target: "server")
        #expect(inputs.count >= 20, "the committed seeds were not found")
        let server = try ServerFuzzInput.makeServer()
        let endpoint = try server.bind(TestTransport.inproc.bindEndpoint())
        let peer = try RawPeer(.dealer, connect: endpoint, answersHeartbeats: true)
        for (number, input) in inputs.enumerated() {
            for frames in ServerFuzzInput.messages(input.bytes) { peer.send(frames) }
            let probe = ServerFuzzInput.probe(UInt64(number))
            peer.sendPayload(probe.payload)
            var answer: EventEnvelope?
            while answer == nil, let frames = await peer.receive(within: .seconds(10)) {
                let event = try EventEnvelope(decoding: try #require(frames.last))  // everything decodes
                if let channel = event.responseTo, sameBytes(channel, probe.id[...]), event.name != "_zpc_hb" {
                    answer = event
                }
            }
            #expect(answer?.name == "OK", "the probe after \(input.name) was answered \(answer?.name ?? "never")")
        }
        await server.close()
    }
}
