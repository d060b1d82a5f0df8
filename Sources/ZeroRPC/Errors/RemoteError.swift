/// An error the server reported with `ERR [name, message, traceback]` that is not one of
/// the method's declared error types.
public struct RemoteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The remote exception's type name: `"ValueError"`, `"NameError"`, a Swift type name.
    public let name: String
    /// The remote exception's text (`str(exception)` in Python, `description` in Swift).
    public let message: String
    /// The remote traceback, when the server sent a non-empty one.
    public let traceback: String?

    /// An error as a server reported it; `traceback` nil when it sent none or `""`.
    public init(name: String, message: String, traceback: String? = nil) {
        self.name = name
        self.message = message
        self.traceback = traceback
    }

    public var description: String { "\(name): \(message)" }
}
