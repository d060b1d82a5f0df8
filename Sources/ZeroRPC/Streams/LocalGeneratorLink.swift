/// One step of a two-way generator as its client takes it.
enum GeneratorStep: Sendable {
    /// `next()`: the body's `yield` returns nil.
    case next
    /// `send(_:)`, holding the args `[value]` the wire's `_zpc_send` carries.
    case send([UInt8])
    /// `throw(_:)`: the body's `yield` throws the error.
    case `throw`(RemoteThrow)
}

/// The in-process channel between a ``Generator`` made by `Generator(method:body:)` and
/// the body it runs, with the server's rules: the body starts in a task of its own at
/// the first step (a first `throw` ends it before it runs), each step resumes it up to
/// its next `yield` (lock-step), and closing cancels its task and waits for its cleanup.
///
/// Values cross as msgpack bytes, encoded and decoded as on the wire, so a mock built on
/// it exercises the same coding as a real call. Each continuation is removed from the
/// state, under its lock, by whoever resumes it, so it is resumed exactly once.
final class LocalGeneratorLink: Sendable {
    /// How a step ended, for the generator.
    enum Reply: Sendable {
        /// The body yielded this encoded value.
        case yielded([UInt8])
        /// The body returned.
        case finished
        /// The body threw (a `RemoteThrow` arrives as the `RemoteError` a real call gets).
        case failed(any Error)
    }

    private enum Phase {
        case notStarted
        case running(Task<Void, Never>)
        case ended
    }

    private struct State {
        var phase = Phase.notStarted
        /// Set by `close()`, by a cancelled step and when the generator goes away: no body
        /// starts any more and every `yield` throws `CancellationError`.
        var isCancelled = false
        /// A step the body has not taken yet.
        var step: GeneratorStep?
        var stepWaiter: CheckedContinuation<GeneratorStep, any Error>?
        /// A reply the generator has not taken yet.
        var reply: Reply?
        var replyWaiter: CheckedContinuation<Reply, Never>?
    }

    let method: String
    private let body: @Sendable (LocalGeneratorLink) async throws -> Void
    private let state = LockedValue(State())

    init(method: String, body: @escaping @Sendable (LocalGeneratorLink) async throws -> Void) {
        self.method = method
        self.body = body
    }

    // MARK: The generator's side

    /// Takes one step and waits for the body's answer. Cancelling the waiting task
    /// cancels the body, which then ends with `CancellationError`.
    func exchange(_ step: GeneratorStep) async -> Reply {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Reply, Never>) in
                let (immediate, bodyWaiter): (Reply?, CheckedContinuation<GeneratorStep, any Error>?) =
                    state.withLock { state in
                        if let reply = state.reply {
                            state.reply = nil
                            return (reply, nil)
                        }
                        switch state.phase {
                        case .ended:
                            return (.finished, nil)
                        case .notStarted:
                            if state.isCancelled { return (.failed(CancellationError()), nil) }
                            if case .throw(let error) = step {
                                state.phase = .ended
                                return (.failed(Self.remoteError(error)), nil)
                            }
                            state.replyWaiter = continuation
                            // The first step only starts the body: a sent value is dropped,
                            // as by the server.
                            state.phase = .running(Task { await self.run() })
                            return (nil, nil)
                        case .running:
                            state.replyWaiter = continuation
                            guard let waiter = state.stepWaiter else {
                                state.step = step
                                return (nil, nil)
                            }
                            state.stepWaiter = nil
                            return (nil, waiter)
                        }
                    }
                if let immediate { continuation.resume(returning: immediate) }
                bodyWaiter?.resume(returning: step)
            }
        } onCancel: {
            cancel()
        }
    }

    /// Cancels the body and waits until it has ended (its cleanup has run); a body that
    /// never started never will.
    func close() async {
        guard let task = cancel() else { return }
        await task.value
    }

    /// Cancels the body without waiting; returns its task if it runs.
    @discardableResult
    func cancel() -> Task<Void, Never>? {
        let (task, bodyWaiter): (Task<Void, Never>?, CheckedContinuation<GeneratorStep, any Error>?) =
            state.withLock { state in
                state.isCancelled = true
                defer { state.stepWaiter = nil }
                guard case .running(let task) = state.phase else { return (nil, state.stepWaiter) }
                return (task, state.stepWaiter)
            }
        task?.cancel()
        bodyWaiter?.resume(throwing: CancellationError())
        return task
    }

    // MARK: The body's side

    /// Hands `value` to the waiting step and waits for the next one.
    func yield(_ value: [UInt8]) async throws -> GeneratorStep {
        try Task.checkCancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<GeneratorStep, any Error>) in
                let outcome: Result<(CheckedContinuation<Reply, Never>?, GeneratorStep?), any Error> =
                    state.withLock { state in
                        if state.isCancelled { return .failure(CancellationError()) }
                        if state.stepWaiter != nil { return .failure(GeneratorError.concurrentUse(method: method)) }
                        let stepper = state.replyWaiter
                        state.replyWaiter = nil
                        if stepper == nil { state.reply = .yielded(value) }
                        if let step = state.step {
                            state.step = nil
                            return .success((stepper, step))
                        }
                        state.stepWaiter = continuation
                        return .success((stepper, nil))
                    }
                switch outcome {
                case .failure(let error):
                    continuation.resume(throwing: error)
                case .success(let (stepper, step)):
                    stepper?.resume(returning: .yielded(value))
                    if let step { continuation.resume(returning: step) }
                }
            }
        } onCancel: {
            cancel()
        }
    }

    /// The body's task: runs it and hands how it ended to the waiting step.
    private func run() async {
        let reply: Reply
        do {
            try await body(self)
            reply = .finished
        } catch let thrown as RemoteThrow {
            reply = .failed(Self.remoteError(thrown))
        } catch {
            reply = .failed(error)
        }
        let stepper: CheckedContinuation<Reply, Never>? = state.withLock { state in
            state.phase = .ended
            defer { state.replyWaiter = nil }
            if state.replyWaiter == nil { state.reply = reply }
            return state.replyWaiter
        }
        stepper?.resume(returning: reply)
    }

    /// What a client gets when a generator body lets `thrown` escape: `ERR [name, message]`.
    private static func remoteError(_ thrown: RemoteThrow) -> RemoteError {
        RemoteError(name: thrown.name, message: thrown.message)
    }
}
