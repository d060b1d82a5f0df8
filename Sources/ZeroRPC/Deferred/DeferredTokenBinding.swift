/// Who may use a deferred token a server issues (``ServerOptions/Deferred/tokenBinding``).
public enum DeferredTokenBinding: Sendable, Hashable {
    /// Whoever holds the token may read, wait for, cancel and acknowledge the result: the
    /// token is a bearer capability. The default.
    case bearer
    /// Only a client presenting the CurveZMQ public key of the caller that made the call.
    /// Requests about the token from any other key are answered exactly as for a token
    /// the server never issued, so they learn nothing, not even that it exists.
    ///
    /// Needs ``ServerSecurity/curve(keyPair:allowedClientKeys:)``: `Server.bind` and
    /// `Server.connect` throw ``ServerConfigurationError/tokenBindingWithoutCurve``
    /// otherwise. A client that resumes a call from another process must present the
    /// same key pair, so give such clients a stable `CurveKeyPair`.
    case clientKey
}
