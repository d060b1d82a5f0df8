/// The SQL behind ``SQLiteResultStore``: the schema and one method per store operation.
///
/// Every method runs on the worker's queue with its connection. Times are wall-clock
/// milliseconds since 1970, so processes sharing the file agree on them.
import ZeroRPC

struct SQLiteResultTable: Sendable {
    /// `state` column values, as in the PostgreSQL store.
    typealias State = StoredEntryState

    let holder: String
    let holderProcessID: Int64
    let leaseMilliseconds: Int64
    let tombstoneRetentionMilliseconds: Int64

    // MARK: - Operations

    func create(
        _ db: SQLiteConnection, token: DeferredToken, timeToLive: Int64, idempotencyKey: String?, clientKey: String?,
        now: Int64
    ) throws -> DeferredCreation {
        try db.immediateTransaction {
            if let idempotencyKey,
                let row = try db.query(
                    "SELECT token, state, expires_at FROM deferred_entries WHERE idempotency_key = ?",
                    [.text(idempotencyKey)]
                ).first
            {
                let existingText = row[0].text ?? ""
                let isFinished = (row[1].integer ?? 0) >= Int64(State.firstFinished)
                if isFinished, let expiresAt = row[2].integer, expiresAt <= now {
                    try expire(db, token: existingText, now: now)
                } else if let existing = DeferredToken(existingText) {
                    return .existing(existing)
                } else {
                    throw ResultStoreError.corruptEntry("malformed token under idempotency key")
                }
            }
            let inserted = try db.execute(
                """
                INSERT OR IGNORE INTO deferred_entries
                    (token, owner, holder, holder_pid, idempotency_key, client_key, state, ttl_ms, created_at,
                     lease_expires_at)
                VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
                """,
                [
                    .text(token.text), .text(token.issuer.text), .text(holder), .integer(holderProcessID),
                    idempotencyKey.map(SQLiteValue.text) ?? .null, clientKey.map(SQLiteValue.text) ?? .null,
                    .integer(timeToLive), .integer(now), .integer(now.saturatingAdd(leaseMilliseconds)),
                ])
            return inserted == 1 ? .created : .existing(token)
        }
    }

    func boundClientKey(_ db: SQLiteConnection, token: DeferredToken) throws -> String? {
        try db.query(
            """
            SELECT client_key FROM deferred_entries WHERE token = ?
            UNION ALL SELECT client_key FROM deferred_tombstones WHERE token = ?
            """, [.text(token.text), .text(token.text)]
        ).first?.first?.text
    }

    func reportProgress(
        _ db: SQLiteConnection, token: DeferredToken, progress: Double?, message: String?
    ) throws
        -> Bool
    {
        try db.execute(
            "UPDATE deferred_entries SET state = 1, progress = ?, message = ? WHERE token = ? AND state < 2",
            [progress.map(SQLiteValue.real) ?? .null, message.map(SQLiteValue.text) ?? .null, .text(token.text)]
        ) == 1
    }

    func complete(_ db: SQLiteConnection, token: DeferredToken, outcome: DeferredOutcome, now: Int64) throws -> Bool {
        var columns: (state: State, result: SQLiteValue, error: DeferredError?)
        switch outcome {
        case .success(let bytes): columns = (.done, .blob(bytes), nil)
        case .failure(let error): columns = (.failed, .null, error)
        case .cancelled: columns = (.cancelled, .null, nil)
        }
        return try db.execute(
            """
            UPDATE deferred_entries
            SET state = ?, result = ?, error_name = ?, error_message = ?, error_traceback = ?, error_fields = ?,
                expires_at = ? + ttl_ms, lease_expires_at = NULL
            WHERE token = ? AND state < 2
            """,
            [.integer(Int64(columns.state.rawValue)), columns.result] + Self.errorColumns(columns.error) + [
                .integer(now), .text(token.text),
            ]) == 1
    }

    func lookup(_ db: SQLiteConnection, token: DeferredToken, now: Int64) throws -> DeferredLookup {
        let rows = try db.query(
            """
            SELECT state, progress, message, result, error_name, error_message, error_traceback, error_fields,
                   expires_at, lease_expires_at
            FROM deferred_entries WHERE token = ?
            """, [.text(token.text)])
        guard let row = rows.first else {
            let tombstone = try db.query(
                "SELECT expired_at FROM deferred_tombstones WHERE token = ?", [.text(token.text)]
            ).first
            guard let expiredAt = tombstone?.first?.integer,
                expiredAt.saturatingAdd(tombstoneRetentionMilliseconds) > now
            else {
                return .unknown
            }
            return .expired
        }
        guard let state = row[0].integer.flatMap({ State(rawValue: Int($0)) }) else {
            throw ResultStoreError.corruptEntry("unknown state \(row[0]) of \(token)")
        }
        switch state {
        case .pending, .running:
            if let leaseEnd = row[9].integer, leaseEnd <= now {
                try markLost(db, where: "token = ?", [.text(token.text)], now: now)
                return try lookup(db, token: token, now: now)
            }
            return .unfinished(
                state == .pending ? .pending : .running(progress: row[1].real, message: row[2].text))
        case .done, .failed, .cancelled:
            if let expiresAt = row[8].integer, expiresAt <= now {
                try db.immediateTransaction { try expire(db, token: token.text, now: now) }
                return .expired
            }
            return .finished(try Self.outcome(state: state, row: row))
        }
    }

    func requestCancellation(
        _ db: SQLiteConnection, token: DeferredToken
    ) throws -> (isUnfinished: Bool, holder: String?) {
        let rows = try db.query(
            "UPDATE deferred_entries SET cancel_requested = 1 WHERE token = ? AND state < 2 RETURNING holder",
            [.text(token.text)])
        return (!rows.isEmpty, rows.first?.first?.text)
    }

    func isCancellationRequested(_ db: SQLiteConnection, token: DeferredToken) throws -> Bool {
        try db.query("SELECT cancel_requested FROM deferred_entries WHERE token = ?", [.text(token.text)])
            .first?.first?.integer == 1
    }

    /// Unfinished entries this instance runs whose cancellation was requested.
    func requestedCancellations(_ db: SQLiteConnection) throws -> [DeferredToken] {
        try db.query(
            "SELECT token FROM deferred_entries WHERE holder = ? AND state < 2 AND cancel_requested = 1",
            [.text(holder)]
        ).compactMap { $0.first?.text.flatMap(DeferredToken.init) }
    }

    func acknowledge(_ db: SQLiteConnection, token: DeferredToken, now: Int64) throws -> Bool {
        try db.execute(
            "DELETE FROM deferred_entries WHERE token = ? AND state >= 2 AND expires_at > ?",
            [.text(token.text), .integer(now)]) == 1
    }

    func renewLeases(_ db: SQLiteConnection, now: Int64) throws -> Int {
        try db.execute(
            "UPDATE deferred_entries SET lease_expires_at = ? WHERE holder = ? AND state < 2",
            [.integer(now.saturatingAdd(leaseMilliseconds)), .text(holder)])
    }

    /// Fails entries whose owner's lease ran out, expires finished entries past their
    /// time to live, and drops old tombstones. Returns how many entries expired.
    func sweep(_ db: SQLiteConnection, now: Int64) throws -> Int {
        try db.immediateTransaction {
            try markLost(db, where: "lease_expires_at <= ?", [.integer(now)], now: now)
            try db.execute(
                """
                INSERT OR REPLACE INTO deferred_tombstones (token, expired_at, client_key)
                SELECT token, ?, client_key FROM deferred_entries WHERE state >= 2 AND expires_at <= ?
                """, [.integer(now), .integer(now)])
            let expired = try db.execute(
                "DELETE FROM deferred_entries WHERE state >= 2 AND expires_at <= ?", [.integer(now)])
            try db.execute(
                "DELETE FROM deferred_tombstones WHERE expired_at + ? <= ?",
                [.integer(tombstoneRetentionMilliseconds), .integer(now)])
            return expired
        }
    }

    // MARK: - Helpers

    /// Turns unfinished entries matching `condition` whose lease ran out into
    /// ``DeferredError/lost`` failures.
    private func markLost(
        _ db: SQLiteConnection, where condition: String, _ bindings: [SQLiteValue], now: Int64
    )
        throws
    {
        try db.execute(
            """
            UPDATE deferred_entries
            SET state = 3, error_name = ?, error_message = ?, error_traceback = ?, error_fields = ?,
                expires_at = ? + ttl_ms, lease_expires_at = NULL
            WHERE state < 2 AND lease_expires_at <= ? AND \(condition)
            """, Self.errorColumns(.lost) + [.integer(now), .integer(now)] + bindings)
    }

    /// Moves one finished entry to the tombstones; the caller holds a transaction.
    private func expire(_ db: SQLiteConnection, token: String, now: Int64) throws {
        let buried = try db.execute(
            """
            INSERT OR REPLACE INTO deferred_tombstones (token, expired_at, client_key)
            SELECT token, ?, client_key FROM deferred_entries WHERE token = ? AND state >= 2 AND expires_at <= ?
            """, [.integer(now), .text(token), .integer(now)])
        guard buried == 1 else { return }
        try db.execute("DELETE FROM deferred_entries WHERE token = ?", [.text(token)])
    }

    private static func errorColumns(_ error: DeferredError?) -> [SQLiteValue] {
        guard let error else { return [.null, .null, .null, .null] }
        return [
            .text(error.name), .text(error.message), .text(error.traceback),
            error.encodedFields.map(SQLiteValue.blob) ?? .null,
        ]
    }

    private static func outcome(state: State, row: [SQLiteValue]) throws -> DeferredOutcome {
        switch state {
        case .done:
            guard let bytes = row[3].blob else { throw ResultStoreError.corruptEntry("a done entry without a result") }
            return .success(encodedResult: bytes)
        case .failed:
            return .failure(
                DeferredError(
                    name: row[4].text ?? "", message: row[5].text ?? "", traceback: row[6].text ?? "",
                    encodedFields: row[7].blob))
        case .cancelled, .pending, .running:
            return .cancelled
        }
    }
}
