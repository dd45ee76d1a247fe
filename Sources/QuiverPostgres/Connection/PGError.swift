import CLibPQ

/// An error from PostgreSQL, libpq, or the embedded cluster.
///
/// Server errors carry the SQLSTATE and the server's message fields, so callers can branch on
/// `sqlState` (for example `"23505"` for a unique violation) and show `description` to a person.
public struct PGError: Error, CustomStringConvertible, Sendable {
    /// Where the error came from.
    public enum Kind: Sendable {
        /// Connecting failed, or the connection broke or was closed.
        case connection
        /// The server rejected a statement (see `sqlState`).
        case server
        /// A COPY was used wrongly or could not be carried out by the client.
        case copy
        /// Unexpected data: a malformed binary COPY stream, or a bad parameter.
        case protocolViolation
        /// The embedded cluster could not be found, initialised, started or stopped.
        case cluster
    }

    public var kind: Kind
    /// The five-character SQLSTATE code, e.g. `"42P01"`, when the server sent one.
    public var sqlState: String?
    /// The primary, human-readable message.
    public var message: String
    /// The server's DETAIL field, or extra context such as the tail of a log file.
    public var detail: String?
    /// The server's HINT field, or a suggestion of what to do.
    public var hint: String?
    /// The 1-based character position in the statement that the error refers to.
    public var position: Int?
    /// True when the connection broke: the connection re-establishes itself on its next
    /// command, so the caller may retry.
    public var isConnectionLost: Bool

    /// Creates an error; `isConnectionLost` defaults to what `kind` and `sqlState` imply.
    public init(
        kind: Kind, message: String, sqlState: String? = nil, detail: String? = nil,
        hint: String? = nil, position: Int? = nil, isConnectionLost: Bool? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.position = position
        self.isConnectionLost = isConnectionLost ?? PGError.impliesConnectionLoss(sqlState: sqlState)
    }

    /// SQLSTATEs after which the server closes the session: class 08 (connection exception) and
    /// 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now).
    static func impliesConnectionLoss(sqlState: String?) -> Bool {
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    public var description: String {
        var text: String
        switch kind {
        case .server:
            text = "ERROR \(sqlState ?? "?????"): \(message)"
        case .connection:
            text = "connection error: \(message)"
        case .copy:
            text = "COPY error: \(message)"
        case .protocolViolation:
            text = "protocol error: \(message)"
        case .cluster:
            text = "embedded PostgreSQL: \(message)"
        }
        if kind != .server, let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let position { text += " (at character \(position))" }
        if let detail, !detail.isEmpty { text += " (detail: \(detail))" }
        if let hint, !hint.isEmpty { text += " (hint: \(hint))" }
        return text
    }
}

extension PGError {
    /// The error described by a failed result, with the server's fields.
    static func fromResult(_ result: OpaquePointer, connection: OpaquePointer?) -> PGError {
        func field(_ code: Character) -> String? {
            guard let ascii = code.asciiValue, let value = PQresultErrorField(result, Int32(ascii)) else {
                return nil
            }
            return String(cString: value)
        }
        let connectionBroken = connection.map { PQstatus($0) == CONNECTION_BAD } ?? false
        let sqlState = field("C")
        var message = field("M")
        if message == nil, let text = PQresultErrorMessage(result) {
            message = trimmed(String(cString: text))
        }
        if (message ?? "").isEmpty, let connection, let text = PQerrorMessage(connection) {
            message = trimmed(String(cString: text))
        }
        let kind: Kind = sqlState == nil && connectionBroken ? .connection : .server
        return PGError(
            kind: kind, message: message ?? "unknown error", sqlState: sqlState,
            detail: field("D"), hint: field("H"), position: field("P").flatMap { Int($0) },
            isConnectionLost: connectionBroken || impliesConnectionLoss(sqlState: sqlState))
    }

    /// The connection's current error message as a connection error.
    static func fromConnection(_ connection: OpaquePointer?, fallback: String, lost: Bool) -> PGError {
        var message = fallback
        if let connection, let text = PQerrorMessage(connection) {
            let value = trimmed(String(cString: text))
            if !value.isEmpty { message = value }
        }
        return PGError(kind: .connection, message: message, isConnectionLost: lost)
    }

    static func trimmed(_ text: String) -> String {
        var scalars = Substring(text)
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
