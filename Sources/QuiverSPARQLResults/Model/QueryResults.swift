import QuiverCore

/// What a SPARQL query answers with, in the results formats: a solution sequence (SELECT) or a
/// boolean (ASK).
///
/// ```swift
/// let answer = QueryResults.solutions(SolutionSequence(variables: ["s"], rows: [[.iri("http://example/a")]]))
/// let bytes = try ResultsWriter.serialize(answer, as: .json)
/// ```
public enum QueryResults: Hashable, Sendable {
    case solutions(SolutionSequence)
    case boolean(Bool)
}

/// The solutions of a SELECT query: the projected variables, in order, and the rows.
///
/// A row holds one slot per variable, in the order of `variables`; `nil` is an unbound variable.
/// Terms are RDF terms (`.iri`, `.blank`, `.literal`). A `.name` term (one of Quiver's plain
/// names) is not an RDF term and the writers refuse it (`ResultsWriteError.nameTerm`): map names
/// to IRIs first with QuiverParsers' `TripleWriter.rdf`.
///
/// ```swift
/// var answer = SolutionSequence(variables: ["person", "age"])
/// answer.rows.append([.iri("http://example/alice"), .literal("42", datatype: XSD.integer, language: nil)])
/// answer.rows.append([.blank("b0"), nil])   // ?age unbound
/// answer.value(of: "age", inRow: 0)          // "42"^^xsd:integer
/// ```
public struct SolutionSequence: Hashable, Sendable {
    /// The variable names, without `?`, in the order the query projected them.
    public var variables: [String]
    /// One array per solution, aligned with `variables`; `nil` where a variable is unbound.
    public var rows: [[Term?]]

    public init(variables: [String], rows: [[Term?]] = []) {
        self.variables = variables
        self.rows = rows
    }

    /// The term bound to `variable` in row `row`, or `nil` where it is unbound or not a variable
    /// of this sequence.
    public func value(of variable: String, inRow row: Int) -> Term? {
        guard let column = variables.firstIndex(of: variable), rows.indices.contains(row),
              rows[row].indices.contains(column) else { return nil }
        return rows[row][column]
    }
}
