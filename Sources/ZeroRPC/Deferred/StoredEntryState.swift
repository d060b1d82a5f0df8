/// The `state` column of the shared result stores' entry tables (SQLite, PostgreSQL):
/// one numbering, so the two schemas and their `state < 2` conditions agree.
package enum StoredEntryState: Int, Sendable {
    case pending = 0
    case running = 1
    case done = 2
    case failed = 3
    case cancelled = 4

    /// Rows below this state are unfinished (the `state < 2` in the statements).
    package static let firstFinished = StoredEntryState.done.rawValue
}
