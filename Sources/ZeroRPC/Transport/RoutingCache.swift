import CZeroMQ
import Glibc

/// The routing of the peers a ROUTER heard from lately, so a message from a known peer
/// reuses its `[routing id]` array instead of allocating the array and the id's bytes
/// again (two of a server's seven allocations per call).
///
/// Direct-mapped: an id's bytes pick one of `capacity` slots, and a slot holds the last
/// id that hashed there. A miss costs what no cache would (the arrays are built) plus
/// one comparison; a peer that sends many messages keeps its slot. The ids are the
/// peers' own (ROUTER-made or `ZMQ_ROUTING_ID`), compared byte for byte, so a collision
/// only replaces a slot.
struct RoutingCache {
    static let capacity = 16
    private var slots: [[[UInt8]]] = Array(repeating: [], count: RoutingCache.capacity)

    /// The cached routing `[id]` whose id has exactly the bytes of `message`, if any.
    func routing(matching message: inout zmq_msg_t) -> [[UInt8]]? {
        let bytes = UnsafeRawBufferPointer(start: zmq_msg_data(&message), count: zmq_msg_size(&message))
        let routing = slots[Self.slot(of: bytes)]
        guard let id = routing.first, id.count == bytes.count else { return nil }
        let equal = id.withUnsafeBytes { stored in
            guard let stored = stored.baseAddress, let received = bytes.baseAddress else { return bytes.isEmpty }
            return memcmp(stored, received, bytes.count) == 0
        }
        return equal ? routing : nil
    }

    /// Remembers `routing` (`[id]`) in its id's slot.
    mutating func remember(_ routing: [[UInt8]]) {
        guard let id = routing.first else { return }
        let slot = id.withUnsafeBytes { Self.slot(of: $0) }
        slots[slot] = routing
    }

    /// FNV-1a over the id's bytes, folded to a slot.
    private static func slot(of bytes: UnsafeRawBufferPointer) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return Int(hash % UInt32(capacity))
    }
}
