import QuiverCore

/// Why a query or update text was refused, and where.
///
/// `line` and `column` are 1-based and count characters (Unicode scalars) of the text as given,
/// before `\u` escapes are replaced. `found` is the offending token as written, quoted
/// (`'SELECT'`), or `end of input`.
///
/// ```swift
/// do { _ = try SPARQLParser.parseQuery("SELECT * {\n  ?s ?p ?o .\n  SELECT ?x {} }") }
/// catch { print(error) }   // line 3, column 3: expected '}' or a triple pattern, found 'SELECT'
/// ```
public struct SPARQLSyntaxError: PresentableError, Sendable, Equatable {
    public enum Problem: Sendable, Equatable {
        /// The grammar wanted something else here (the text says what).
        case expected(String)
        /// The text is grammatical but breaks one of the specification's rules
        /// (an undeclared prefix, a variable bound twice, a misplaced aggregate …).
        case invalid(String)
    }

    public var line: Int
    public var column: Int
    public var found: String
    public var problem: Problem

    public init(line: Int, column: Int, found: String, problem: Problem) {
        self.line = line
        self.column = column
        self.found = found
        self.problem = problem
    }

    public var category: ErrorCategory { .invalidInput }

    public var message: ErrorMessage {
        switch problem {
        case .expected(let what): "line \(line), column \(column): expected \(what), found \(found)"
        case .invalid(let why): "line \(line), column \(column): \(why)"
        }
    }
}
