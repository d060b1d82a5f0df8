/// A combination of ``ServerOptions`` a server refuses to serve with: `Server.bind` and
/// `Server.connect` throw it before any socket opens.
public enum ServerConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// ``ServerOptions/Deferred/tokenBinding`` is ``DeferredTokenBinding/clientKey`` but
    /// ``ServerOptions/security`` is ``ServerSecurity/none``: without CurveZMQ no caller
    /// has a key to bind a token to.
    case tokenBindingWithoutCurve

    public var description: String {
        switch self {
        case .tokenBindingWithoutCurve:
            "deferred.tokenBinding .clientKey needs security .curve: plain callers have no key to bind tokens to"
        }
    }
}
