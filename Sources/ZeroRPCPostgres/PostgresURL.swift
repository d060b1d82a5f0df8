// Connection URLs for PostgresResultStore, in the libpq form operators already use.
import Foundation
import PostgresNIO

/// A PostgreSQL connection URL: `postgres://user:password@host:port/database?sslmode=…`
/// (or `postgresql://`), the form libpq and most tools accept.
///
/// - The port defaults to 5432, the user to `postgres`, the database to the user's name.
/// - User, password and database may be percent-encoded.
/// - `sslmode`: `disable`, `prefer` (the default, as in libpq: TLS when the server offers
///   it) or `require` (with certificate verification). Other parameters are refused, so a
///   setting the store would ignore never goes unnoticed.
/// - `?host=/run/postgresql` (a directory, as libpq takes it) connects through the Unix
///   socket `.s.PGSQL.<port>` in that directory instead of TCP.
public struct PostgresURL: Sendable, Hashable {
    /// Why a URL was refused.
    public struct Error: Swift.Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// The host name or address (empty with a Unix socket).
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String?
    /// `disable`, `prefer` or `require`.
    public var sslMode: String
    /// The directory holding the server's Unix socket, or nil for TCP.
    public var socketDirectory: String?

    /// Parses `text`; throws ``Error`` for anything it does not understand.
    public init(_ text: String) throws {
        guard let components = URLComponents(string: text),
            components.scheme == "postgres" || components.scheme == "postgresql"
        else {
            throw Error(description: "not a postgres:// URL")
        }
        host = components.host ?? ""
        port = components.port ?? 5432
        username = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        let path = components.percentEncodedPath.dropFirst(components.percentEncodedPath.hasPrefix("/") ? 1 : 0)
        database = path.isEmpty ? nil : String(path).removingPercentEncoding
        sslMode = "prefer"
        for item in components.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", let mode?) where ["disable", "prefer", "require"].contains(mode):
                sslMode = mode
            case ("host", let directory?) where directory.hasPrefix("/"):
                socketDirectory = directory
            default:
                throw Error(description: "unsupported URL parameter '\(item.name)'")
            }
        }
        guard !host.isEmpty || socketDirectory != nil else { throw Error(description: "the URL names no host") }
    }

    /// The `PostgresClient` configuration this URL describes.
    public var clientConfiguration: PostgresClient.Configuration {
        if let socketDirectory {
            return PostgresClient.Configuration(
                unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: username, password: password,
                database: database)
        }
        let tls: PostgresClient.Configuration.TLS =
            switch sslMode {
            case "disable": .disable
            case "require": .require(.makeClientConfiguration())
            default: .prefer(.makeClientConfiguration())
            }
        return PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
    }
}
