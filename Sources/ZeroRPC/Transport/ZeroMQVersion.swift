import CZeroMQ

/// The version of the libzmq the runtime is linked against.
public struct ZeroMQVersion: Sendable, Hashable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int

    /// The libzmq linked into this process.
    public static var linked: ZeroMQVersion {
        var major: Int32 = 0
        var minor: Int32 = 0
        var patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return ZeroMQVersion(major: Int(major), minor: Int(minor), patch: Int(patch))
    }

    public var description: String { "\(major).\(minor).\(patch)" }
}
