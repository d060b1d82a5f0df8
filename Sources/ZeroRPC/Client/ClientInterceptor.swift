/// Sees every request a `Client` sends, before it is encoded, and its first reply: the
/// place for auth tokens and trace ids in the header, logging and metrics.
///
/// Interceptors run in the order of `ClientOptions.interceptors`, each wrapping the
/// next. One must call `next` exactly once or throw; what it throws fails the call.
///
/// ```swift
/// struct BearerToken: ClientInterceptor {
///     let token: String
///     func intercept(
///         _ request: ClientRequest, next: (ClientRequest) async throws -> ClientReply
///     ) async throws -> ClientReply {
///         var request = request
///         request.header["auth"] = .string(token)
///         return try await next(request)
///     }
/// }
/// let client = try Client(connect: [endpoint], options: ClientOptions(interceptors: [BearerToken(token: t)]))
/// ```
public protocol ClientInterceptor: Sendable {
    /// Handles one request: change it, pass it on with `next`, look at the reply.
    func intercept(
        _ request: ClientRequest, next: (ClientRequest) async throws -> ClientReply
    ) async throws -> ClientReply
}

/// A request as interceptors see it.
public struct ClientRequest: Sendable {
    /// The wire name called, e.g. `"calc.add"`, or a protocol request such as
    /// `"_zpc_result"` when a deferred call is polled.
    public let method: String
    /// Fields added to the request header; stock zerorpc servers pass unknown keys to
    /// their middleware and ignore them otherwise. Keys the protocol uses
    /// (`message_id`, `v`, `response_to`, `ext`, `oneway`, `deferred`, `idem`) are refused.
    public var header: [String: MessagePackValue]
    /// The call's options; an interceptor may tighten the timeout, for instance.
    public var options: CallOptions

    public init(method: String, header: [String: MessagePackValue] = [:], options: CallOptions = .defaults) {
        self.method = method
        self.header = header
        self.options = options
    }
}

/// The first reply to a request, as interceptors see it.
public struct ClientReply: Sendable {
    /// The reply event: `OK`, `ERR`, `DEFERRED`, `STREAM`, `STREAM_DONE`, or `sent` for a
    /// one-way call no reply will follow.
    public let event: String
}

extension Client {
    /// Header keys interceptors may not set: the protocol's own.
    static let reservedHeaderKeys: Set<String> = [
        "message_id", "v", "response_to", "ext", "oneway", "deferred", "idem",
    ]

    /// Runs `send` inside this client's interceptors; returns what `send` produced.
    func intercepted<Value>(
        _ request: ClientRequest, _ send: (ClientRequest) async throws -> (Value, ClientReply)
    ) async throws -> Value {
        var produced: Value?
        func step(_ index: Int, _ request: ClientRequest) async throws -> ClientReply {
            guard index < interceptors.count else {
                let (value, reply) = try await send(request)
                produced = value
                return reply
            }
            return try await interceptors[index].intercept(request) { try await step(index + 1, $0) }
        }
        _ = try await step(0, request)
        guard let produced else {
            throw RPCError.protocolViolation(
                "a client interceptor returned without calling next for '\(request.method)'")
        }
        return produced
    }

    /// The msgpack header fields an intercepted request adds, in key order.
    static func encodedHeader(
        _ header: [String: MessagePackValue], method: String
    ) throws -> [(key: String, value: [UInt8])] {
        var fields: [(key: String, value: [UInt8])] = []
        for key in header.keys.sorted() {
            guard !reservedHeaderKeys.contains(key) else {
                throw RPCError.protocolViolation("an interceptor set reserved header key '\(key)' on '\(method)'")
            }
            var writer = MessagePackWriter()
            if let value = header[key] { writer.write(value) }
            fields.append((key, writer.bytes))
        }
        return fields
    }
}
