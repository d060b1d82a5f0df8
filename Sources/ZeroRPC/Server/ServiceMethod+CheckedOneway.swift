/// One-way methods whose arguments are checked before the server acknowledges them
/// (issue 17, defect 4).
///
/// zerorpc answers a one-way call `OK None` before running it, so a caller learns nothing
/// of what happens next. What it can still learn is whether the call was well-formed: a
/// wrong type or arity gets `ERR TypeError`, as for any call, instead of an `OK` followed
/// by a failure only the server's log sees. To do so the method is split in two: `decode`
/// reads and checks the arguments and returns the work to run. The server runs `decode`
/// once on arrival to check (answering the `ERR` itself) and again in the handler task;
/// decoding twice keeps the early `OK` on the I/O thread, before any handler task
/// exists, which is what lets a stock client's call return at once.
extension ServiceMethod {
    /// What a checked one-way method runs once its arguments are decoded.
    public typealias OnewayWork = @Sendable (ServerContext) async throws -> Void

    /// A one-way method the server acknowledges with `OK [nil]` only once its arguments
    /// decode; a call with a wrong type or arity gets `ERR TypeError` and does not run.
    /// The generator emits this form.
    ///
    /// ```swift
    /// .oneway("log", parameters: [.init(name: "line")], doc: nil) { arguments in
    ///     let line = try arguments.next(String.self, name: "line")
    ///     try arguments.finish()
    ///     return { context in try await self.log(line: line, context: context) }
    /// }
    /// ```
    public static func oneway(
        _ name: String, parameters: [ParameterInfo], doc: String?,
        decoding decode: @escaping @Sendable (inout ArgumentReader) throws -> OnewayWork
    ) -> ServiceMethod {
        let body = onewayBody { arguments, context in try await decode(&arguments)(context) }
        return ServiceMethod(
            name: name, parameters: parameters, doc: doc,
            kind: .oneway(body, checkArguments: { arguments in _ = try decode(&arguments) }))
    }
}
