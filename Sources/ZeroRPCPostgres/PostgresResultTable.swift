// The SQL behind PostgresResultStore: one method per store operation, each a single
// statement (a few for an idempotent create), run through the store's connection pool.
import PostgresNIO
import ZeroRPC

/// The tables of one schema and the statements on them.
///
/// Times are wall-clock milliseconds since 1970. Every statement takes "now" once, from a
/// `clock` subquery: the store's ``ResultStoreClock`` when it has one (tests), else the
/// database server's clock, so hosts whose clocks disagree still agree on leases and
/// times to live. Sums that could pass `Int64.max` (an enormous time to live) are made in
/// `numeric` and capped.
struct PostgresResultTable: Sendable {
    /// `state` column values (a `smallint`), as in the SQLite store.
    typealias State = StoredEntryState

    /// Which entries a statement that moves finished entries to the tombstones touches.
    enum Selection {
        case token(DeferredToken)
        case idempotencyKey(String)
        case all
    }

    /// A schema name checked by ``PostgresResultStore/Configuration``.
    let schema: String
    let holder: String
    let holderProcessID: Int32
    let leaseMilliseconds: Int64
    let tombstoneRetentionMilliseconds: Int64

    var entries: String { "\"\(schema)\".entries" }
    var tombstones: String { "\"\(schema)\".tombstones" }
    /// The `NOTIFY` channel of this schema: `f <token>` when an entry finishes,
    /// `c <holder> <token>` when its cancellation is first requested.
    var channel: String { "\(schema).events" }

    // MARK: - Operations

    /// Inserts a pending entry; nil when a row with the token or the key exists.
    func insert(
        _ client: PostgresClient, token: DeferredToken, timeToLive: Int64, idempotencyKey: String?,
        clientKey: String?, now: Int64?
    ) async throws -> DeferredCreation? {
        let query: PostgresQuery = """
            INSERT INTO \(unescaped: entries)
                (token, owner, holder, holder_pid, idempotency_key, client_key, state, ttl_ms, created_at,
                 lease_expires_at, cancel_requested)
            SELECT \(token.text), \(token.issuer.text), \(holder), \(holderProcessID), \(idempotencyKey), \(clientKey),
                0, \(timeToLive), clock.now, \(clockPlus: leaseMilliseconds), false
            FROM \(clock: now)
            ON CONFLICT DO NOTHING
            RETURNING 1
            """
        return try await Self.rows(client, query).isEmpty ? nil : .created
    }

    /// The live entry holding `token` or, failing that, `idempotencyKey`, and whether it
    /// is finished past its time to live (about to be buried).
    func holder(
        _ client: PostgresClient, of token: DeferredToken, orKey idempotencyKey: String, now: Int64?
    ) async throws -> (token: String, isExpired: Bool)? {
        let query: PostgresQuery = """
            SELECT e.token, e.state >= 2 AND e.expires_at <= clock.now
            FROM \(unescaped: entries) e, \(clock: now)
            WHERE e.token = \(token.text) OR e.idempotency_key = \(idempotencyKey)
            ORDER BY e.token = \(token.text) DESC
            LIMIT 1
            """
        guard let row = try await Self.rows(client, query).first else { return nil }
        let cells = try Self.cells(row, 2)
        return (try cells[0].decode(String.self), try cells[1].decode(Bool?.self) ?? false)
    }

    func boundClientKey(_ client: PostgresClient, token: DeferredToken) async throws -> String? {
        let query: PostgresQuery = """
            SELECT client_key FROM \(unescaped: entries) WHERE token = \(token.text)
            UNION ALL SELECT client_key FROM \(unescaped: tombstones) WHERE token = \(token.text)
            LIMIT 1
            """
        guard let row = try await Self.rows(client, query).first else { return nil }
        return try Self.cells(row, 1)[0].decode(String?.self)
    }

    func reportProgress(
        _ client: PostgresClient, token: DeferredToken, progress: Double?, message: String?
    ) async throws -> Bool {
        let query: PostgresQuery = """
            UPDATE \(unescaped: entries) SET state = 1, progress = \(progress), message = \(message)
            WHERE token = \(token.text) AND state < 2
            RETURNING 1
            """
        return try await !Self.rows(client, query).isEmpty
    }

    func complete(
        _ client: PostgresClient, token: DeferredToken, outcome: DeferredOutcome, now: Int64?
    ) async throws
        -> Bool
    {
        let state: State
        var result: ByteBuffer?
        var error: DeferredError?
        switch outcome {
        case .success(let bytes):
            state = .done
            result = ByteBuffer(bytes: bytes)
        case .failure(let failure):
            state = .failed
            error = failure
        case .cancelled:
            state = .cancelled
        }
        let query: PostgresQuery = """
            UPDATE \(unescaped: entries) e
            SET state = \(Int16(state.rawValue)), result = \(result), error_name = \(error?.name),
                error_message = \(error?.message), error_traceback = \(error?.traceback),
                error_fields = \(error?.encodedFields.map { ByteBuffer(bytes: $0) }),
                expires_at = \(clockPlusColumn: "e.ttl_ms"), lease_expires_at = NULL
            FROM \(clock: now)
            WHERE e.token = \(token.text) AND e.state < 2
            RETURNING 1
            """
        return try await !Self.rows(client, query).isEmpty
    }

    /// What a read finds: the entry's columns, or whether a tombstone is live.
    enum Found {
        case entry(Entry)
        case tombstone(isLive: Bool)
        case nothing
    }

    struct Entry {
        let state: State
        let progress: Double?
        let message: String?
        let outcome: DeferredOutcome?
        /// Finished and past its time to live.
        let isExpired: Bool
        /// Unfinished, and its owner's lease ran out.
        let isLeaseOver: Bool
        /// Unfinished: how long the owner's lease still runs, in milliseconds.
        let leaseLeft: Int64?
    }

    func read(_ client: PostgresClient, token: DeferredToken, now: Int64?) async throws -> Found {
        let query: PostgresQuery = """
            SELECT e.state, e.progress, e.message, e.result, e.error_name, e.error_message, e.error_traceback,
                   e.error_fields, e.expires_at <= clock.now, e.lease_expires_at <= clock.now,
                   e.lease_expires_at - clock.now, t.expired_at > clock.now - \(tombstoneRetentionMilliseconds)
            FROM \(clock: now)
            LEFT JOIN \(unescaped: entries) e ON e.token = \(token.text)
            LEFT JOIN \(unescaped: tombstones) t ON e.token IS NULL AND t.token = \(token.text)
            """
        guard let row = try await Self.rows(client, query).first else { return .nothing }
        let cells = try Self.cells(row, 12)
        guard let rawState = try cells[0].decode(Int16?.self) else {
            guard let isLive = try cells[11].decode(Bool?.self) else { return .nothing }
            return .tombstone(isLive: isLive)
        }
        guard let state = State(rawValue: Int(rawState)) else {
            throw ResultStoreError.corruptEntry("unknown state \(rawState) of \(token)")
        }
        let outcome: DeferredOutcome?
        switch state {
        case .pending, .running:
            outcome = nil
        case .done:
            guard let bytes = try cells[3].decode(ByteBuffer?.self) else {
                throw ResultStoreError.corruptEntry("a done entry without a result")
            }
            outcome = .success(encodedResult: Array(bytes.readableBytesView))
        case .failed:
            outcome = .failure(
                DeferredError(
                    name: try cells[4].decode(String?.self) ?? "", message: try cells[5].decode(String?.self) ?? "",
                    traceback: try cells[6].decode(String?.self) ?? "",
                    encodedFields: try cells[7].decode(ByteBuffer?.self).map { Array($0.readableBytesView) }))
        case .cancelled:
            outcome = .cancelled
        }
        return .entry(
            Entry(
                state: state, progress: try cells[1].decode(Double?.self), message: try cells[2].decode(String?.self),
                outcome: outcome, isExpired: try cells[8].decode(Bool?.self) ?? false,
                isLeaseOver: try cells[9].decode(Bool?.self) ?? false, leaseLeft: try cells[10].decode(Int64?.self)))
    }

    /// Turns the selected unfinished entries whose owner's lease ran out into
    /// ``DeferredError/lost`` failures (the trigger wakes their waiters).
    func markLost(_ client: PostgresClient, _ selection: Selection, now: Int64?) async throws {
        let lost = DeferredError.lost
        let query: PostgresQuery = """
            UPDATE \(unescaped: entries) e
            SET state = 3, error_name = \(lost.name), error_message = \(lost.message), error_traceback = '',
                error_fields = NULL, expires_at = \(clockPlusColumn: "e.ttl_ms"), lease_expires_at = NULL
            FROM \(clock: now)
            WHERE e.state < 2 AND e.lease_expires_at <= clock.now \(selection)
            """
        try await Self.rows(client, query)
    }

    /// Moves the selected finished entries past their time to live to the tombstones, in
    /// one statement; returns how many moved.
    @discardableResult
    func bury(_ client: PostgresClient, _ selection: Selection, now: Int64?) async throws -> Int {
        let query: PostgresQuery = """
            WITH gone AS (
                DELETE FROM \(unescaped: entries) e USING \(clock: now)
                WHERE e.state >= 2 AND e.expires_at <= clock.now \(selection)
                RETURNING e.token, e.client_key, clock.now AS expired_at)
            INSERT INTO \(unescaped: tombstones) (token, expired_at, client_key)
            SELECT token, expired_at, client_key FROM gone
            ON CONFLICT (token) DO UPDATE SET expired_at = EXCLUDED.expired_at, client_key = EXCLUDED.client_key
            RETURNING 1
            """
        return try await Self.rows(client, query).count
    }

    /// Sets the cancellation flag of an unfinished entry; returns its holder, or nil when
    /// the entry is finished or unknown.
    func requestCancellation(_ client: PostgresClient, token: DeferredToken) async throws -> String? {
        let query: PostgresQuery = """
            UPDATE \(unescaped: entries) SET cancel_requested = true
            WHERE token = \(token.text) AND state < 2
            RETURNING holder
            """
        guard let row = try await Self.rows(client, query).first else { return nil }
        return try Self.cells(row, 1)[0].decode(String.self)
    }

    func isCancellationRequested(_ client: PostgresClient, token: DeferredToken) async throws -> Bool {
        let query: PostgresQuery = "SELECT cancel_requested FROM \(unescaped: entries) WHERE token = \(token.text)"
        guard let row = try await Self.rows(client, query).first else { return false }
        return try Self.cells(row, 1)[0].decode(Bool.self)
    }

    /// Unfinished entries this instance runs whose cancellation was requested.
    func requestedCancellations(_ client: PostgresClient) async throws -> [DeferredToken] {
        let query: PostgresQuery = """
            SELECT token FROM \(unescaped: entries) WHERE holder = \(holder) AND state < 2 AND cancel_requested
            """
        return try await Self.rows(client, query).compactMap { row in
            try DeferredToken(Self.cells(row, 1)[0].decode(String.self))
        }
    }

    func acknowledge(_ client: PostgresClient, token: DeferredToken, now: Int64?) async throws -> Bool {
        let query: PostgresQuery = """
            DELETE FROM \(unescaped: entries) e USING \(clock: now)
            WHERE e.token = \(token.text) AND e.state >= 2 AND e.expires_at > clock.now
            RETURNING 1
            """
        return try await !Self.rows(client, query).isEmpty
    }

    func renewLeases(_ client: PostgresClient, now: Int64?) async throws -> Int {
        let query: PostgresQuery = """
            UPDATE \(unescaped: entries) e
            SET lease_expires_at = \(clockPlus: leaseMilliseconds)
            FROM \(clock: now)
            WHERE e.holder = \(holder) AND e.state < 2
            RETURNING 1
            """
        return try await Self.rows(client, query).count
    }

    /// Fails entries whose owner's lease ran out, expires finished entries past their
    /// time to live, and drops old tombstones. Returns how many entries expired.
    func sweep(_ client: PostgresClient, now: Int64?) async throws -> Int {
        try await markLost(client, .all, now: now)
        let expired = try await bury(client, .all, now: now)
        let query: PostgresQuery = """
            DELETE FROM \(unescaped: tombstones) t USING \(clock: now)
            WHERE t.expired_at <= clock.now - \(tombstoneRetentionMilliseconds)
            """
        try await Self.rows(client, query)
        return expired
    }

    // MARK: - Helpers

    @discardableResult
    static func rows(_ client: PostgresClient, _ query: PostgresQuery) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await client.query(query) { rows.append(row) }
        return rows
    }

    /// The row's cells, checked to be `count` (a server answering fewer columns than the
    /// statement asks for is broken, and must not crash us).
    static func cells(_ row: PostgresRow, _ count: Int) throws -> PostgresRandomAccessRow {
        let cells = row.makeRandomAccess()
        guard cells.count >= count else {
            throw ResultStoreError.corruptEntry("a row of \(cells.count) columns where \(count) were expected")
        }
        return cells
    }
}

extension PostgresQuery.StringInterpolation {
    /// `(SELECT <now> AS now) AS clock`: the statement's one reading of the clock, in
    /// milliseconds since 1970; `now` nil reads the database server's clock.
    mutating func appendInterpolation(clock now: Int64?) {
        appendLiteral("(SELECT COALESCE(")
        appendInterpolation(now)
        appendLiteral("::bigint, (extract(epoch FROM statement_timestamp()) * 1000)::bigint) AS now) AS clock")
    }

    /// `clock.now + milliseconds`, computed in `numeric` and capped at the largest bigint,
    /// so an enormous lease or time to live never fails the statement.
    mutating func appendInterpolation(clockPlus milliseconds: Int64) {
        appendLiteral("LEAST(9223372036854775807, clock.now::numeric + ")
        appendInterpolation(milliseconds)
        appendLiteral(")::bigint")
    }

    /// `clock.now + column`, capped as `clockPlus`.
    mutating func appendInterpolation(clockPlusColumn column: String) {
        appendLiteral("LEAST(9223372036854775807, clock.now::numeric + \(column))::bigint")
    }

    /// `AND e.<column> = <value>` narrowing a statement on the entries (alias `e`) to
    /// `selection`; nothing for ``PostgresResultTable/Selection/all``.
    mutating func appendInterpolation(_ selection: PostgresResultTable.Selection) {
        switch selection {
        case .token(let token):
            appendLiteral("AND e.token = ")
            appendInterpolation(token.text)
        case .idempotencyKey(let key):
            appendLiteral("AND e.idempotency_key = ")
            appendInterpolation(key)
        case .all:
            break
        }
    }
}
