// A LogHandler that keeps every record with its metadata, for the logging tests.
import Logging
import ZeroRPC

/// A `Logger` at a chosen level whose records a test can read back.
final class CapturedLog: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let records = LockedValue<[Record]>([])
    private let level: Logger.Level

    init(level: Logger.Level) {
        self.level = level
    }

    var logger: Logger {
        Logger(label: "captured") { [level] _ in Handler(log: self, logLevel: level) }
    }

    var all: [Record] { records.withLock { $0 } }

    /// The records whose message starts with `prefix`.
    func records(startingWith prefix: String) -> [Record] {
        all.filter { $0.message.hasPrefix(prefix) }
    }

    private struct Handler: LogHandler {
        let log: CapturedLog
        var logLevel: Logger.Level
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let record = Record(
                level: event.level, message: event.message.description,
                metadata: metadata.merging(event.metadata ?? [:]) { $1 })
            log.records.withLock { $0.append(record) }
        }
    }
}
