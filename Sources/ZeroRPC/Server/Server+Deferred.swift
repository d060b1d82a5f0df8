/// The deferred-result requests `_zpc_result`, `_zpc_status`, `_zpc_cancel` and
/// `_zpc_ack`: each arrives on a channel of its own and is served like a built-in method
/// (not listed by `_zerorpc_list`).
extension Server {
    func registerDeferredRequests() {
        let runtime = deferredRuntime
        let entries = DeferredWire.requestNames.sorted().map { name in
            (
                name: name,
                entry: MethodEntry(isOneway: false, parameters: nil, doc: nil) { call in
                    await runtime.answer(name, call)
                }
            )
        }
        _ = methods.insert(entries)
    }
}

extension Server {
    /// Deferred jobs of this server now: handlers still running after their call was
    /// deferred (or still inside their budget), and finished results no client has
    /// claimed yet. For metrics and health checks; each read takes a lock.
    public var deferredJobCounts: (running: Int, unclaimed: Int) {
        (deferredRuntime.runningJobCount, deferredRuntime.unclaimedCount)
    }
}
