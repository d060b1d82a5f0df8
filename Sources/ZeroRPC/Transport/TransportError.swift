import CZeroMQ

/// A failed libzmq or system call: what was attempted and the `errno` it left.
struct TransportError: Error, Sendable, CustomStringConvertible {
    var operation: String
    var code: Int32

    /// The error libzmq reported for the last call on this thread.
    static func lastZMQError(_ operation: String) -> TransportError {
        TransportError(operation: operation, code: zmq_errno())
    }

    var description: String {
        "\(operation) failed: \(String(cString: zmq_strerror(code))) (errno \(code))"
    }
}
