import Foundation

/// A `tcp://127.0.0.1:<port>` endpoint for a test that closes a listener and binds the
/// same endpoint again (a server or broker "restarted").
///
/// A port from `tcp://127.0.0.1:0` lies in the kernel's ephemeral range, and once its
/// listener closes, any outgoing connection of the parallel suite may take it as its
/// source port; the restart then fails with "Address already in use" (it did in CI,
/// with a ten-second retry). A port below that range is never handed out by the kernel,
/// so only a socket that names it can take it: this function picks one at random,
/// checks that it binds now, and gives it back for the test to bind.
public func restartableLoopbackEndpoint() throws -> String {
    var generator = SystemRandomNumberGenerator()
    let ceiling = min(ephemeralPortFloor(), 32_768)
    for _ in 0..<200 {
        let port = UInt16.random(in: 20_000..<UInt16(ceiling), using: &generator)
        if loopbackPortIsFree(port) { return "tcp://127.0.0.1:\(port)" }
    }
    throw RestartableEndpointError()
}

/// No free port below the ephemeral range after 200 tries.
public struct RestartableEndpointError: Error, CustomStringConvertible {
    public var description: String { "no free loopback port below the ephemeral range" }
}

/// The first port of `net.ipv4.ip_local_port_range` (32768 when it cannot be read).
private func ephemeralPortFloor() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
        let first = text.split(whereSeparator: \.isWhitespace).first, let floor = Int(first), floor > 20_001
    else { return 32_768 }
    return floor
}

/// Whether a socket with `SO_REUSEADDR` (as libzmq's listeners have) binds
/// 127.0.0.1:`port` now.
private func loopbackPortIsFree(_ port: UInt16) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var reuse: Int32 = 1
    _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}
