import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One PostgreSQL connection.
///
/// Not thread-safe: use it from one thread at a time. It is `@unchecked Sendable` so it can be
/// handed from task to task (for example kept in a pool).
///
/// When the connection breaks (server restarted, backend terminated), the command that sees it
/// throws a `PGError` with `isConnectionLost == true`, and the next command reconnects first,
/// restoring `LISTEN` registrations.
///
/// ```swift
/// let db = try PGConnection(conninfo: "postgresql://localhost/quiver")
/// let result = try db.execute("SELECT id FROM graphs WHERE name = $1", [.text("wiki")])
/// let id = result.int64(0, 0)
/// ```
public final class PGConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    /// Channels this connection listens on, re-subscribed after a reconnect.
    private(set) var listenedChannels: [String] = []
    private var savepointDepth = 0
    /// Statements prepared on this connection by `executePrepared`: name by text and parameter types.
    private var prepared: [PreparedKey: String] = [:]
    private struct PreparedKey: Hashable {
        let sql: String
        let types: [Oid]
    }
    /// Past this many, the prepared statements are dropped and prepared again as they come.
    static let maxPrepared = 256

    /// Connects.
    ///
    /// - Parameter conninfo: a URL (`postgresql://user@host/db`), `key=value` pairs, or an empty
    ///   string for libpq's defaults and the `PG*` environment variables. The client encoding is
    ///   always UTF-8.
    public init(conninfo: String) throws {
        let keywords = ["dbname", "client_encoding", "fallback_application_name"]
        let values = [conninfo, "UTF8", "quiver"]
        let connection = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw PGError(kind: .connection, message: "out of memory allocating a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let error = PGError.fromConnection(connection, fallback: "could not connect", lost: false)
            PQfinish(connection)
            throw error
        }
        handle = connection
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Closes the connection. Later commands throw a `.connection` error.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// The server version as an integer, e.g. 150004 for 15.4; 0 when closed.
    public var serverVersion: Int {
        handle.map { Int(PQserverVersion($0)) } ?? 0
    }

    /// The process id of the server backend serving this connection; 0 when closed.
    public var backendPID: Int32 {
        handle.map { PQbackendPID($0) } ?? 0
    }

    /// True while a transaction block is open on this connection.
    public var isInTransaction: Bool {
        guard let handle else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    // MARK: - Statements

    /// Runs one statement with parameters `$1...$n` (`PQexecParams`).
    ///
    /// - Throws: `PGError` with the server's SQLSTATE and message; `.copy` for a COPY statement
    ///   (use `copyIn`/`copyOut`).
    @discardableResult
    public func execute(_ sql: String, _ params: [PGValue] = []) throws -> PGResult {
        let connection = try liveConnection()
        let parameters = try PGParameterBuffer(params)
        let result = parameters.withCArrays { types, values, lengths, formats in
            PQexecParams(connection, sql, Int32(params.count), types, values, lengths, formats, 0)
        }
        return try complete(result, connection)
    }

    /// `execute`, with the statement parsed and planned once per connection (`PQprepare`) and
    /// run by name after that (`PQexecPrepared`): for the statements of a hot path, where parsing
    /// and planning cost as much as the work. A statement is prepared per text and parameter types.
    public func executePrepared(_ sql: String, _ params: [PGValue] = []) throws -> PGResult {
        let connection = try liveConnection()
        let parameters = try PGParameterBuffer(params)
        let key = PreparedKey(sql: sql, types: parameters.types)
        var name = prepared[key]
        if name == nil {
            if prepared.count >= Self.maxPrepared {
                try executeScript("DEALLOCATE ALL")
                prepared = [:]
            }
            let made = "quiver_\(prepared.count)"
            let result = parameters.types.withUnsafeBufferPointer { types in
                PQprepare(connection, made, sql, Int32(params.count), types.baseAddress)
            }
            _ = try complete(result, connection)
            prepared[key] = made
            name = made
        }
        let result = parameters.withCArrays { _, values, lengths, formats in
            PQexecPrepared(connection, name!, Int32(params.count), values, lengths, formats, 0)
        }
        return try complete(result, connection)
    }

    /// Runs a script of one or more statements separated by semicolons (`PQexec`), e.g. a
    /// migration. Statements run until the first error, which is thrown.
    public func executeScript(_ sql: String) throws {
        let connection = try liveConnection()
        _ = try complete(PQexec(connection, sql), connection)
    }

    /// Runs `body` inside a transaction: `BEGIN`, then `COMMIT` if it returns, `ROLLBACK` if it
    /// throws (the body's error is rethrown). Nested calls use savepoints.
    ///
    /// A transaction that the server aborted (a statement failed and the body swallowed the error)
    /// is reported as an error with SQLSTATE 25P02 instead of silently rolling back.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        let connection = try liveConnection()
        let nested = PQtransactionStatus(connection) != PQTRANS_IDLE
        let savepoint = "quiver_savepoint_\(savepointDepth + 1)"
        if nested {
            try executeScript("SAVEPOINT \(savepoint)")
            savepointDepth += 1
        } else {
            try executeScript("BEGIN")
        }
        defer { if nested { savepointDepth -= 1 } }
        let value: T
        do {
            value = try body()
        } catch {
            rollbackQuietly(nested ? "ROLLBACK TO SAVEPOINT \(savepoint); RELEASE SAVEPOINT \(savepoint)" : "ROLLBACK")
            throw error
        }
        if nested {
            do {
                try executeScript("RELEASE SAVEPOINT \(savepoint)")
            } catch {
                rollbackQuietly("ROLLBACK TO SAVEPOINT \(savepoint); RELEASE SAVEPOINT \(savepoint)")
                throw error
            }
            return value
        }
        let commit = try execute("COMMIT")
        if commit.commandTag == "ROLLBACK" {
            throw PGError(
                kind: .server,
                message: "the transaction was rolled back because a statement inside it failed",
                sqlState: "25P02")
        }
        return value
    }

    /// Ends a failed transaction without reconnecting: after a lost connection there is nothing
    /// to roll back, and a reconnect here would hide the loss from the caller.
    private func rollbackQuietly(_ sql: String) {
        guard let handle, PQstatus(handle) == CONNECTION_OK,
            PQtransactionStatus(handle) != PQTRANS_IDLE
        else { return }
        _ = try? complete(PQexec(handle, sql), handle)
    }

    // MARK: - Connection state

    /// The libpq handle, reconnecting first when the connection broke earlier.
    func liveConnection() throws -> OpaquePointer {
        guard let handle else {
            throw PGError(kind: .connection, message: "the connection is closed", isConnectionLost: false)
        }
        if PQstatus(handle) != CONNECTION_OK {
            PQreset(handle)
            guard PQstatus(handle) == CONNECTION_OK else {
                throw PGError.fromConnection(handle, fallback: "could not reconnect", lost: true)
            }
            savepointDepth = 0
            prepared = [:]
            try restoreSession(handle)
        }
        return handle
    }

    /// Re-subscribes to the channels this connection was listening on.
    private func restoreSession(_ connection: OpaquePointer) throws {
        for channel in listenedChannels {
            _ = try complete(PQexec(connection, "LISTEN \(try PGConnection.quoteIdentifier(channel))"), connection)
        }
    }

    func rememberListen(_ channel: String) {
        if !listenedChannels.contains(channel) { listenedChannels.append(channel) }
    }

    func forgetListen(_ channel: String) {
        listenedChannels.removeAll { $0 == channel }
    }

    /// Checks a result, frees it, and returns its materialised form or throws its error.
    func complete(_ result: OpaquePointer?, _ connection: OpaquePointer) throws -> PGResult {
        guard let result else {
            throw PGError.fromConnection(
                connection, fallback: "no result from the server",
                lost: PQstatus(connection) == CONNECTION_BAD)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PGResult(copying: result)
        case PGRES_COPY_IN:
            PQputCopyEnd(connection, "COPY FROM STDIN must be run with copyIn()")
            drainResults(connection)
            throw PGError(kind: .copy, message: "COPY FROM STDIN must be run with copyIn(), not execute()")
        case PGRES_COPY_OUT:
            discardCopyOut(connection)
            throw PGError(kind: .copy, message: "COPY TO STDOUT must be run with copyOut(), not execute()")
        case PGRES_COPY_BOTH:
            throw PGError(kind: .copy, message: "COPY BOTH (replication) is not supported")
        default:
            throw PGError.fromResult(result, connection: connection)
        }
    }

    /// Reads results until libpq has none left, returning the last success or throwing the first
    /// error. Used after COPY, whose final status arrives separately.
    func finishCommand(_ connection: OpaquePointer) throws -> PGResult {
        var firstError: PGError?
        var last = PGResult()
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                last = PGResult(copying: result)
            case PGRES_COPY_IN:
                // Should not happen; end it so the connection stays usable.
                PQputCopyEnd(connection, "unexpected COPY state")
            case PGRES_COPY_OUT:
                discardCopyOut(connection)
            default:
                if firstError == nil { firstError = PGError.fromResult(result, connection: connection) }
            }
            if PQstatus(connection) == CONNECTION_BAD { break }
        }
        if PQstatus(connection) == CONNECTION_BAD, firstError == nil {
            firstError = PGError.fromConnection(connection, fallback: "connection lost", lost: true)
        }
        if let firstError { throw firstError }
        return last
    }

    /// Throws away pending results.
    func drainResults(_ connection: OpaquePointer) {
        _ = try? finishCommand(connection)
    }

    /// Reads and throws away the rest of a COPY OUT stream.
    func discardCopyOut(_ connection: OpaquePointer) {
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let count = PQgetCopyData(connection, &buffer, 0)
            if let buffer { PQfreemem(buffer) }
            if count < 0 { break }
        }
    }

    /// Quotes an identifier for SQL: `my "chan"` becomes `"my ""chan"""`.
    public static func quoteIdentifier(_ identifier: String) throws -> String {
        guard !identifier.utf8.contains(0) else {
            throw PGError(kind: .protocolViolation, message: "identifier contains a NUL character")
        }
        return "\"" + identifier.replacingAll("\"", with: "\"\"") + "\""
    }
}

extension String {
    /// Replaces every occurrence of a single character (no Foundation needed).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}

/// Calls `body` with a NULL-terminated array of C strings valid for the duration of the call.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    let duplicates: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { duplicates.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = duplicates.map { $0.map { UnsafePointer($0) } } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}
