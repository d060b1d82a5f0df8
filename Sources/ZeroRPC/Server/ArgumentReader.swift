/// Positional arguments of one call. Errors it throws become `ERR TypeError` naming the
/// method and the argument (`add(): argument 'b': expected int, got str`).
public struct ArgumentReader: Sendable {
    private var reader: MessagePackReader
    private let method: String
    private var remaining: Int
    private var position = 0

    init(reader: MessagePackReader, count: Int, method: String) {
        self.reader = reader
        self.remaining = count
        self.method = method
    }

    /// The arguments of a received event (`args`, the event's third element).
    /// - Throws: `ArgumentError` when `args` is not an array.
    init(argumentsOf event: EventEnvelope, method: String) throws {
        var reader = event.argumentsReader()
        guard let count = try? reader.readArrayHeader() else {
            throw ArgumentError(message: "\(method)(): arguments must be an array")
        }
        self.init(reader: reader, count: count, method: method)
    }

    /// Arguments from dynamic values, e.g. to unit-test a generated method table.
    public init(arguments: [MessagePackValue], method: String) {
        var writer = MessagePackWriter()
        for argument in arguments { writer.write(argument) }
        self.init(reader: MessagePackReader(bytes: writer.bytes), count: arguments.count, method: method)
    }

    /// Decodes the next argument.
    public mutating func next<T: MessagePackDecodable>(_ type: T.Type, name: String) throws -> T {
        guard remaining > 0 else {
            throw ArgumentError(message: "\(method)(): missing argument '\(name)' (position \(position + 1))")
        }
        do {
            let value = try reader.read(T.self)
            remaining -= 1
            position += 1
            return value
        } catch let error as MessagePackDecodingError {
            throw ArgumentError(message: "\(method)(): argument '\(name)': \(error)")
        }
    }

    /// For trailing optional/defaulted parameters a caller may leave out.
    public mutating func next<T: MessagePackDecodable>(
        _ type: T.Type, name: String, default defaultValue: @autoclosure () -> T
    ) throws -> T {
        guard remaining > 0 else {
            position += 1
            return defaultValue()
        }
        return try next(type, name: name)
    }

    /// Throws TypeError when more arguments were sent than the method takes.
    public func finish() throws {
        guard remaining == 0 else {
            throw ArgumentError(
                message: "\(method)() takes \(position) argument(s) but \(position + remaining) were given")
        }
    }

    /// Decodes every argument left as dynamic values (for `register(name:handler:)`).
    mutating func remainingValues() throws -> [MessagePackValue] {
        var values: [MessagePackValue] = []
        values.reserveCapacity(remaining)
        while remaining > 0 {
            values.append(try next(MessagePackValue.self, name: "arg\(position)"))
        }
        return values
    }
}

/// Bad arguments from the caller; answered as `ERR TypeError`.
struct ArgumentError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }
}
