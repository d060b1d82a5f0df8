import CZeroMQ

/// A libzmq context. Sockets are made from it on the I/O thread that will own them.
///
/// Not `Sendable`: code passes around the process-wide default, which is reached through
/// `ZMQContext.processDefault` on each thread rather than shared as an object.
struct ZMQContext {
    let handle: UnsafeMutableRawPointer

    /// The context every `Client` and `Server` of this process uses, created on first use.
    static var processDefault: ZMQContext {
        get throws(TransportError) {
            guard let handle = UnsafeMutableRawPointer(bitPattern: processDefaultContextAddress) else {
                throw TransportError(operation: "zmq_ctx_new", code: ENOMEM)
            }
            return ZMQContext(handle: handle)
        }
    }
}

/// The address of the process-wide context. libzmq contexts are thread-safe by contract
/// (sockets are not); keeping the address as an integer lets every I/O thread reach it
/// without making a context wrapper `Sendable`. Swift initialises globals exactly once.
private let processDefaultContextAddress: UInt = UInt(bitPattern: zmq_ctx_new())
