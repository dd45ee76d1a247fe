/// Parses SPARQL 1.1 Query and Update text into syntax trees.
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

    /// Parses an update request (`UpdateUnit`, §19.8 [3]): operations separated by `;`, each after
    /// its own `BASE` and `PREFIX` declarations (which stay in force for the operations after it),
    /// and applies the specification's static checks (no variables in a DATA block, no blank nodes
    /// where triples are deleted, a blank node label in one operation only).
    ///
    /// ```swift
    /// let request = try SPARQLParser.parseUpdate("""
    ///     PREFIX ex: <http://example/>
    ///     DELETE DATA { ex:alice ex:age 41 } ;
    ///     INSERT DATA { GRAPH ex:people { ex:alice ex:age 42 } }
    ///     """)
    /// if case .insertData(let quads) = request.operations[1] { print(quads[0].graph ?? "default") }
    /// ```
    ///
    /// A request of more than 1,000 operations is refused; each operation is held to the caps a
    /// query is held to (nesting, operators, triple patterns per matched block).
    ///
    /// - Parameters:
    ///   - text: the update request.
    ///   - baseIRI: the base for relative IRIs until the request's own `BASE`; without one,
    ///     relative IRIs stay as written.
    public static func parseUpdate(_ text: String, baseIRI: String? = nil) throws(SPARQLSyntaxError) -> UpdateRequest {
        var parser = Parser(text: try QueryText(text), baseIRI: baseIRI)
        return try parser.parseUpdateUnit()
    }
}
