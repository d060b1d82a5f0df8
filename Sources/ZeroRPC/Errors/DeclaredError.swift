/// An error type declared in the IDL (`error DivisionByZero { dividend: double }`).
///
/// The server sends `ERR [wireName, description, ""]` — readable by stock zerorpc peers —
/// and the error's fields as a msgpack map in header key `"error"`; a client that lists
/// the type in `declaredErrors` decodes the fields and throws the typed error.
public protocol DeclaredError: Error, MessagePackCodable, Sendable {
    /// The name in the ERR event, normally the IDL type name.
    static var wireName: String { get }
}
