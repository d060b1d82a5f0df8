/// Runs received events on a worker task: decodes the envelope, finds the handler in the
/// receiver's `MethodTable` and runs it the way a server runs a call's (the same
/// `ArgumentReader` checks, the same generated method bodies, the same interceptors),
/// but with nobody to answer: a bad event or a failed handler is counted and logged.
struct EventDispatcher: Sendable {
    let methods: MethodTable
    let counters: EventCounters
    let log: MalformedInputLog
    let interceptors: [any ServerInterceptor]

    /// A worker's last table lookup. Entries never change once registered (a taken name
    /// is refused), so a stream of one event type skips the table's lock and hashing.
    struct LastEntry {
        var name = ""
        var entry: MethodEntry?
    }

    /// Decodes `payload` and runs its handler; never throws, whatever arrived.
    func dispatch(_ payload: [UInt8], last: inout LastEntry) async {
        let event: EventEnvelope
        do {
            event = try EventEnvelope(decoding: payload)
        } catch {
            log.warning("zerorpc events: dropped a message that is not a zerorpc event: \(error.reason)")
            counters.countBadEvent()
            return
        }
        if last.entry == nil || last.name != event.name {
            last = LastEntry(name: event.name, entry: methods.entry(named: event.name))
        }
        guard let entry = last.entry else {
            log.warning("zerorpc events: dropped '\(event.name)': no handler is registered for it")
            counters.countBadEvent()
            return
        }
        _ = await entry.run(IncomingCall(event: event, peerIdentity: []))
    }

    /// The table entry of one event handler; `body` is a `ServiceMethod`'s (or a dynamic
    /// handler's) decode-and-call closure. Its `run` returns no reply: there is no one
    /// to send it to.
    func entry(
        wireName: String, parameters: [ParameterInfo]?, doc: String?, body: @escaping HandlerInvocation.Body
    ) -> MethodEntry {
        // Not `self`: the table holds the entry, and an entry holding the table would be
        // a cycle that keeps every receiver alive.
        let handling = EventHandling(counters: counters, log: log, interceptors: interceptors)
        return MethodEntry(isOneway: true, parameters: parameters, doc: doc) { call in
            await handling.handle(call.event, method: wireName, body: body)
            return []
        }
    }
}

/// What an entry needs to run one handler and account for it.
///
/// A failure is logged before it is counted (here and in `dispatch`): whoever sees a
/// count in `statistics` finds its warning in the log already.
private struct EventHandling: Sendable {
    let counters: EventCounters
    let log: MalformedInputLog
    let interceptors: [any ServerInterceptor]

    func handle(_ event: EventEnvelope, method: String, body: HandlerInvocation.Body) async {
        let context = ServerContext(method: method, peerIdentity: [], event: event)
        do {
            var arguments = try ArgumentReader(argumentsOf: event, method: method)
            if interceptors.isEmpty {
                _ = try await body(&arguments, context)  // one async frame fewer per event
            } else {
                _ = try await HandlerInvocation.intercepted(interceptors, method: method, context: context) {
                    try await body(&arguments, $0).bytes
                }
            }
            counters.countHandled()
        } catch let error as ArgumentError {
            log.warning("zerorpc events: dropped '\(method)': \(error)")
            counters.countBadEvent()
        } catch is CancellationError where Task.isCancelled {
            // The receiver is closing: the handler was cancelled, it did not fail.
        } catch {
            log.warning("zerorpc events: handler of '\(method)' failed: \(String(reflecting: error))")
            counters.countHandlerError()
        }
    }
}
