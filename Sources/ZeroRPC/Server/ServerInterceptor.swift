/// Runs around every handler of a `Server`: the place to check an auth token in
/// `context.header`, to log, to time calls.
///
/// Interceptors run in the order of `ServerOptions.interceptors`, each wrapping the
/// next, inside the handler's task. One must call `next` once or throw: what it throws
/// goes back to the client as the call's `ERR`, exactly as if the handler threw it
/// (declare the error in the IDL to have it arrive typed). Introspection and the
/// protocol's own requests (`_zerorpc_*`, `_zpc_*`) are not intercepted.
///
/// ```swift
/// struct RequireToken: ServerInterceptor {
///     func intercept(_ context: ServerContext, next: (ServerContext) async throws -> Void) async throws {
///         guard context.header["auth"] == .string("s3cret") else { throw Unauthorized() }
///         try await next(context)
///     }
/// }
/// ```
public protocol ServerInterceptor: Sendable {
    /// Handles one call: look at or change the context, run the handler with `next`.
    func intercept(_ context: ServerContext, next: (ServerContext) async throws -> Void) async throws
}

extension HandlerInvocation {
    /// Runs `handler` inside `interceptors`; returns what it produced.
    static func intercepted<Value>(
        _ interceptors: [any ServerInterceptor], method: String, context: ServerContext,
        _ handler: (ServerContext) async throws -> Value
    ) async throws -> Value {
        if interceptors.isEmpty { return try await handler(context) }
        var produced: Value?
        func step(_ index: Int, _ context: ServerContext) async throws {
            guard index < interceptors.count else {
                produced = try await handler(context)
                return
            }
            try await interceptors[index].intercept(context) { try await step(index + 1, $0) }
        }
        try await step(0, context)
        guard let produced else {
            throw InterceptorError(message: "a server interceptor returned without calling next for '\(method)'")
        }
        return produced
    }
}

/// A server interceptor neither called its handler nor threw.
struct InterceptorError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
