import QuiverCore
import QuiverPostgres

/// Everything the store can refuse, worded for the person who gave the input.
public enum StoreError: PresentableError, Sendable {
    case graphNotFound(String)
    case modelNotFound(graph: String, name: String)
    case invalidGraphName(String, reason: String)
    /// A term that cannot be stored, or exported as TSV and loaded back (`Term.problem`).
    case invalidTerm(Term, TermProblem)
    case schemaTooNew(databaseVersion: Int, supportedVersion: Int)
    /// Two different terms hash to the same 64-bit id (astronomically rare; the load is refused whole).
    case termIDCollision(TermID, Term, Term)
    case parse(ParseError)
    case input(ErrorMessage)
    case database(PGError)
    case unsupported(ErrorMessage)
    /// The load was cancelled (`LoadOptions.cancellation`); it rolled back whole.
    case cancelled
    /// The load ran longer than its `LoadOptions.timeout`; it rolled back whole.
    case timedOut(Duration)

    public var category: ErrorCategory {
        switch self {
        case .graphNotFound, .modelNotFound: .notFound
        case .invalidGraphName, .invalidTerm, .parse, .input, .unsupported: .invalidInput
        // The database cannot be used by this build at all; another build or database is the fix,
        // as with one that cannot be reached.
        case .schemaTooNew: .unavailable
        // Not the input's fault: the id scheme cannot tell two valid terms apart.
        case .termIDCollision: .internal
        case .database: isDatabaseUnavailable ? .unavailable : .internal
        case .cancelled, .timedOut: .cancelled
        }
    }

    public var message: ErrorMessage {
        switch self {
        case .graphNotFound(let g):
            "graph '\(g)' does not exist (see \(command: "graphs"))"
        case .modelNotFound(let g, let name):
            "graph '\(g)' has no model named '\(name)' (see \(command: "models", g); train one with \(command: "train", g))"
        case .invalidGraphName(let g, let reason):
            "invalid graph name '\(g)': \(reason)"
        case .invalidTerm(let term, let problem):
            "cannot store the term \(term): it \(problem)"
        case .schemaTooNew(let db, let ours):
            "the database schema is at version \(db), but this quiver knows versions up to \(ours); upgrade quiver or use another database"
        case .termIDCollision(let id, let a, let b):
            "term id collision: \(a) and \(b) both hash to \(id); nothing was loaded"
        case .parse(let e):
            e.message
        case .input(let message):
            message
        case .database(let e):
            "database error: \(e)"
        case .unsupported(let message):
            message
        case .cancelled:
            "the load was cancelled; nothing of it was stored"
        case .timedOut(let limit):
            "the load ran longer than its limit of \(limit) and was stopped; nothing of it was stored"
        }
    }

    /// An error from below the store (a reader, a byte source) as an input error, its message's
    /// option and command names still values when it has them.
    static func input(wrapping error: any Error) -> StoreError {
        .input((error as? any PresentableError)?.message ?? "\(error)")
    }

    /// True when the database could not be reached (exit code 3 in the CLI).
    public var isDatabaseUnavailable: Bool {
        if case .database(let e) = self { return e.kind == .connection || e.kind == .cluster || e.isConnectionLost }
        return false
    }
}

/// Validates a graph name: printable, no whitespace or control characters, at most 200 bytes.
public func validateGraphName(_ name: String) throws {
    if name.isEmpty { throw StoreError.invalidGraphName(name, reason: "it is empty") }
    if name.utf8.count > 200 { throw StoreError.invalidGraphName(name, reason: "it is longer than 200 bytes") }
    if let bad = name.unicodeScalars.first(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
        throw StoreError.invalidGraphName(name, reason: "it contains the character U+\(String(bad.value, radix: 16, uppercase: true))")
    }
}
