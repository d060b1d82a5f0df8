/// The built-in `_zerorpc_*` methods stock zerorpc tooling calls, shaped as Python
/// zerorpc 0.6.3 answers them (ZERORPC_PROTOCOL.md §11). Not listed by `_zerorpc_list`.
extension Server {
    func registerIntrospection() {
        let serverName = name
        let builtIns: [(String, @Sendable (MethodTable, [MessagePackValue]) throws -> MessagePackValue)] = [
            ("_zerorpc_ping", { _, _ in ["pong", .string(serverName)] }),
            ("_zerorpc_name", { _, _ in .string(serverName) }),
            ("_zerorpc_list", { table, _ in .array(Self.publicNames(table).map { .string($0) }) }),
            ("_zerorpc_help", { table, arguments in try Self.entry(table, arguments).doc.map { .string($0) } ?? .nil }),
            ("_zerorpc_args", { table, arguments in Self.argumentSpec(try Self.entry(table, arguments)) }),
            ("_zerorpc_inspect", { table, _ in Self.inspect(table, serverName: serverName) }),
        ]
        let (options, runtime) = (self.options, deferredRuntime)
        let entries = builtIns.map { name, body in
            let entry = MethodEntry(isOneway: false, parameters: nil, doc: nil) { [weak methods] call in
                let table = methods
                return await HandlerInvocation.reply(
                    to: call, method: name, isOneway: false, options: options, deferredRuntime: runtime,
                    isIntercepted: false
                ) {
                    arguments, _ in
                    guard let methods = table else { throw RPCError.closed }
                    var writer = MessagePackWriter()
                    writer.writeArrayHeader(1)
                    writer.write(try body(methods, try arguments.remainingValues()))
                    return writer
                }
            }
            return (name: name, entry: entry)
        }
        _ = methods.insert(entries)
    }

    private static func publicNames(_ table: MethodTable) -> [String] {
        table.entries.keys.filter { !$0.hasPrefix("_") }.sorted()
    }

    /// The entry named by the first argument; `NameError` when there is none.
    private static func entry(_ table: MethodTable, _ arguments: [MessagePackValue]) throws -> MethodEntry {
        guard let name = arguments.first?.stringValue else {
            throw ArgumentError(message: "expected a method name as the first argument")
        }
        guard !name.hasPrefix("_"), let entry = table.entry(named: name) else { throw NameError(name: name) }
        return entry
    }

    /// Python's `getargspec` 4-tuple: `[args, varargs, keywords, defaults]`.
    private static func argumentSpec(_ entry: MethodEntry) -> MessagePackValue {
        guard let parameters = entry.parameters else { return [[], "args", nil, nil] }
        let defaults = parameters.compactMap(\.defaultValue)
        return [
            .array(parameters.map { .string($0.name) }), nil, nil, defaults.isEmpty ? nil : .array(defaults),
        ]
    }

    /// `{"name", "methods": {m: {"args": [{"name", "default"?}], "doc"}}, "interfaces": [idl]}`.
    private static func inspect(_ table: MethodTable, serverName: String) -> MessagePackValue {
        let entries = table.entries
        let methods: [MessagePackValue.Entry] = publicNames(table).compactMap { name in
            guard let entry = entries[name] else { return nil }
            let arguments: [MessagePackValue] = (entry.parameters ?? []).map { parameter in
                var fields: [MessagePackValue.Entry] = [.init(key: "name", value: .string(parameter.name))]
                if let value = parameter.defaultValue { fields.append(.init(key: "default", value: value)) }
                return .map(fields)
            }
            let description: MessagePackValue = .map([
                .init(key: "args", value: .array(arguments)),
                .init(key: "doc", value: entry.doc.map { .string($0) } ?? .nil),
            ])
            return .init(key: .string(name), value: description)
        }
        return .map([
            .init(key: "name", value: .string(serverName)),
            .init(key: "methods", value: .map(methods)),
            .init(key: "interfaces", value: .array(table.interfaces.map { .string($0) })),
        ])
    }
}

/// A call named a method the server does not serve; answered as `ERR NameError`.
struct NameError: Error, Sendable, CustomStringConvertible {
    var name: String
    var description: String { name }
}
