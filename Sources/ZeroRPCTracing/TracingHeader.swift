// Moves a trace context in and out of a zerorpc request header, for whichever
// instrument the application bootstrapped (swift-otel's W3C propagator writes
// `traceparent` and `tracestate`).
import Tracing
import ZeroRPC

/// Writes the instrument's string fields into a request's extra header fields.
struct RequestHeaderInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: MessagePackValue]) {
        carrier[key] = .string(value)
    }
}

/// Reads the instrument's string fields from a received request header (a map).
struct RequestHeaderExtractor: Extractor {
    func extract(key: String, from carrier: MessagePackValue) -> String? {
        guard case .map(let entries) = carrier else { return nil }
        for entry in entries where entry.key == .string(key) {
            if case .string(let value) = entry.value { return value }
        }
        return nil
    }
}

/// Span attribute names shared by the client and server interceptors, after
/// OpenTelemetry's RPC conventions where they have one.
enum TracingAttribute {
    static let system = "rpc.system"
    static let method = "rpc.method"
    /// The first reply event on the client (`OK`, `ERR`, `DEFERRED`, `STREAM`, `sent`).
    static let reply = "zerorpc.reply"
    /// How a handler ended on the server: `ok` or `error`.
    static let outcome = "zerorpc.outcome"
    static let systemValue = "zerorpc"
}
