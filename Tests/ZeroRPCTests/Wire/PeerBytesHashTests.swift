import Testing

@testable import ZeroRPC

/// `PeerBytesHash`, the keyed digest of a server channel's peer and `message_id`.
@Suite struct PeerBytesHashTests {
    private func digest(_ first: [UInt8], _ second: [UInt8]) -> Int {
        first.withUnsafeBytes { first in second.withUnsafeBytes { PeerBytesHash.digest(first, $0) } }
    }

    @Test func equalBytesDigestEquallyFromDifferentArrays() {
        let peer: [UInt8] = [0, 0x6b, 0x8b, 0x45, 0x67]
        let id = Array("0000002a1b4f0d2e-9c1a-4b7e-a5f0-33d2".utf8)
        #expect(digest(peer, id) == digest(Array(peer), Array(id)))
        // Through `ChannelKey`: a slice of a larger payload keys as its own array.
        let payload: [UInt8] = [9, 9] + id + [7]
        let fromSlice = ServerCallTable.ChannelKey(peer: peer, messageID: payload[2..<(2 + id.count)])
        let fromArray = ServerCallTable.ChannelKey(peer: peer, messageID: id[...])
        #expect(fromSlice == fromArray)
        #expect(fromSlice.hashValue == fromArray.hashValue)
    }

    /// The same bytes split differently, and inputs that differ only by trailing zero
    /// bytes (the padding of a last partial word), are different inputs.
    @Test func splitsAndTrailingZerosAreTold() {
        #expect(digest([1, 2], [3]) != digest([1], [2, 3]))
        #expect(digest([1, 2, 3, 4], []) != digest([], [1, 2, 3, 4]))
        #expect(digest([1], [5]) != digest([1, 0], [5]))
        #expect(digest([1], [5]) != digest([1], [5, 0]))
        #expect(digest([], [5, 0, 0, 0]) != digest([], [5]))
        #expect(digest([], []) != digest([], [0]))
    }

    /// Ids as peers make them — a counter in a few bytes, the rest fixed — from a few
    /// peers: the digests of 5,000 distinct inputs do not pile up. Two collisions among
    /// them would happen with a chance of about 4 in a million for a 32-bit universal
    /// hash; a hash keyed on fewer bytes, or ignoring the peer, collides hundreds of times.
    @Test func structuredIDsDoNotCollide() {
        var digests = Set<Int>()
        var inputs = 0
        for peer in 0..<5 {
            let identity: [UInt8] = [0, 0, 0, 0, UInt8(peer)]
            for counter in 0..<1_000 {
                var id = Array("000000001b4f0d2e9c1a4b7ea5f033d2".utf8)
                for (index, digit) in String(counter, radix: 16).utf8.reversed().enumerated() {
                    id[7 - index] = digit
                }
                digests.insert(digest(identity, [0xc4, 0x20] + id))
                inputs += 1
            }
        }
        #expect(inputs - digests.count <= 1)
    }

    /// Inputs past `maximumBytes` (a routing identity may be 255 bytes) are hashed whole
    /// by `Hasher`, and still told apart by every byte.
    @Test func longInputsAreHashedByHasher() {
        let peer = [UInt8](repeating: 0x41, count: 255)
        var id = [UInt8](repeating: 0x30, count: 36)
        let first = digest(peer, id)
        #expect(digest(Array(peer), Array(id)) == first)
        id[35] = 0x31
        #expect(digest(peer, id) != first)
        #expect(digest(peer + [0], []) != digest(peer, [0]))
    }
}
