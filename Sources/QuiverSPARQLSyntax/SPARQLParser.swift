/// Parses SPARQL 1.1 text into a syntax tree.
///
/// ```swift
/// let query = try SPARQLParser.parseQuery("""
///     PREFIX foaf: <http://xmlns.com/foaf/0.1/>
///     SELECT ?name WHERE { ?person foaf:name ?name } ORDER BY ?name LIMIT 10
///     """, baseIRI: "http://example/")
/// if case .select(let clause) = query.form { print(clause.projection) }
/// ```
///
/// Every input either parses or throws a `SPARQLSyntaxError` with the line, column and token; the
/// parser never traps, and groups, brackets, paths and nodes nested more than 200 deep are an
/// error, not a stack overflow.
public enum SPARQLParser {
    /// Parses a query (`QueryUnit`, §19.8) and applies the specification's static checks.
    ///
    /// - Parameters:
    ///   - text: the query.
    ///   - baseIRI: the base for relative IRIs until the query's own `BASE`; without one, relative
    ///     IRIs stay as written.
    public static func parseQuery(_ text: String, baseIRI: String? = nil) throws(SPARQLSyntaxError) -> Query {
        var parser = Parser(text: try QueryText(text), baseIRI: baseIRI)
        return try parser.parseQueryUnit()
    }
}
