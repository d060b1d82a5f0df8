import CMessagePack
import CZeroMQ
import Testing

@testable import ZeroRPC

/// Proves the C libraries link and work from Swift before anything is built on them.
@Suite struct LinkageTests {
    @Test func linksLibzmq43OrNewer() {
        let version = ZeroMQVersion.linked
        #expect(version.major == 4)
        #expect(version.minor >= 3)
    }

    @Test func opensAndTerminatesAZeroMQContext() throws {
        let context = try #require(zmq_ctx_new())
        let socket = try #require(zmq_socket(context, ZMQ_DEALER))
        #expect(zmq_close(socket) == 0)
        #expect(zmq_ctx_term(context) == 0)
    }

    @Test func encodesOneValueWithMsgpackC() {
        var buffer = msgpack_sbuffer()
        msgpack_sbuffer_init(&buffer)
        defer { msgpack_sbuffer_destroy(&buffer) }
        var packer = msgpack_packer()
        msgpack_packer_init(&packer, &buffer, msgpack_sbuffer_write)
        #expect(msgpack_pack_int64(&packer, 300) == 0)
        let bytes = Array(UnsafeRawBufferPointer(start: buffer.data, count: buffer.size))
        #expect(bytes == [0xcd, 0x01, 0x2c])
    }
}
