import Foundation
import Testing

/// A TCP port on 127.0.0.1 held by a socket that is bound but never listens, for tests
/// that need an endpoint where nothing answers: a connect is refused, and no other socket
/// of the parallel suite can bind the port meanwhile. (A server closed for the purpose
/// gives its port back, and another test's server once bound it and answered the call.)
final class ReservedPort {
    let port: Int
    private var descriptor: Int32

    init() throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = descriptor
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw ReservedPortError()
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// `tcp://127.0.0.1:<port>`.
    var endpoint: String { "tcp://127.0.0.1:\(port)" }

    /// Gives the port back; safe to call twice.
    func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

struct ReservedPortError: Error {}
