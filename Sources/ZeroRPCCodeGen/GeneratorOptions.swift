/// Choices that change the generated Swift.
public struct GeneratorOptions: Sendable, Hashable {
    /// The access level of every generated declaration.
    public enum AccessLevel: String, Sendable, Hashable, CaseIterable {
        case `public`
        case `internal`
    }

    /// `public` unless `zerorpc-gen.json` says `internal`.
    public var accessLevel: AccessLevel
    /// Also emit server streams, two-way generators and the `startX`/`resumeX` deferred
    /// API. These call runtime types (`ZeroRPC.StreamWriter`, `ZeroRPC.ResponseStream`,
    /// `ZeroRPC.GeneratorContext`, `ZeroRPC.Generator`, `ZeroRPC.Deferred`,
    /// `ZeroRPC.DeferredToken`) that the runtime does not have yet; until it does, such
    /// methods are left out with a warning and deferred methods are plain unary calls.
    public var streamingAndDeferredAPI: Bool

    public init(accessLevel: AccessLevel = .public, streamingAndDeferredAPI: Bool = false) {
        self.accessLevel = accessLevel
        self.streamingAndDeferredAPI = streamingAndDeferredAPI
    }

    /// The modifier to put before declarations: `public ` or nothing.
    var accessModifier: String {
        accessLevel == .public ? "public " : ""
    }
}
