// What tests that drive a stream by hand send on its channel: credit grants and closes,
// and the `calc.count` stream most of them open.
import Testing

@testable import ZeroRPC

extension RawPeer {
    /// `_zpc_more [credit]` on `channel`, as a payload of its own.
    static func grant(_ credit: MessagePackValue, on channel: [UInt8]) -> [UInt8] {
        EventEncoder.encode(
            messageID: MessageIDGenerator.shared.next(), responseTo: channel[...], name: "_zpc_more",
            arguments: encoded([credit]))
    }

    /// Sends `_zpc_more [credit]` on `channel`, from a DEALER.
    func sendGrant(_ credit: MessagePackValue, on channel: [UInt8]) {
        sendPayload(Self.grant(credit, on: channel))
    }

    /// Sends `_zpc_close` on `channel`, from a DEALER: the client ends the stream.
    func sendClose(on channel: [UInt8]) {
        sendPayload(
            EventEncoder.encode(
                messageID: MessageIDGenerator.shared.next(), responseTo: channel[...], name: "_zpc_close",
                arguments: StreamEvents.closeArguments))
    }

    /// Calls a `CountingCalculator`'s `calc.count(n)` from a DEALER and expects its
    /// `STREAM`; returns the call's channel.
    func openCountStream(_ n: Int64, sourceLocation: SourceLocation = #_sourceLocation) async -> [UInt8] {
        let channel = sendRequest("calc.count", arguments: encoded([.int(n)]))
        #expect(await receiveReplies(1).map(\.name) == ["STREAM"], sourceLocation: sourceLocation)
        return channel
    }
}
