import QuiverCore

/// A parsed SPARQL 1.1 Update request: the syntax tree of the specification's `UpdateUnit`
/// (SPARQL 1.1 Query §19.8 [3], [29]–[52]; SPARQL 1.1 Update §3).
///
/// A request is a sequence of operations separated by `;`, run in order. Abbreviations are
/// expanded as in a `Query`: IRIs are absolute, `a` is `rdf:type`, blank node property lists and
/// collections are triples over fresh blank nodes (`genid` + a number, unique in the request).
///
/// ```swift
/// let request = try SPARQLParser.parseUpdate("""
///     PREFIX ex: <http://example/>
///     INSERT DATA { ex:s ex:p 1 } ;
///     DELETE { ?s ex:p ?o } WHERE { ?s ex:p ?o FILTER(?o > 10) }
///     """)
/// for operation in request.operations { print(operation) }
/// ```
public struct UpdateRequest: Sendable, Equatable {
    /// Every `BASE` and `PREFIX` declaration in the order written, whichever operation it comes
    /// before (their effect is already applied, and a declaration stays in force for the
    /// operations after it).
    public var prologue: [PrologueDeclaration]
    /// The operations in the order written; an empty request (only a prologue, or nothing) is valid.
    public var operations: [UpdateOperation]

    public init(prologue: [PrologueDeclaration] = [], operations: [UpdateOperation]) {
        self.prologue = prologue
        self.operations = operations
    }
}

/// One operation of an update request (`Update1`).
public enum UpdateOperation: Sendable, Equatable {
    /// `INSERT DATA { … }`: ground triples (no variables; blank nodes are new ones).
    case insertData([DataQuad])
    /// `DELETE DATA { … }`: ground triples, without blank nodes.
    case deleteData([DataQuad])
    /// `DELETE WHERE { … }`: the quads are both the pattern to match and the template to delete
    /// (no blank nodes).
    case deleteWhere([QuadPattern])
    /// `[WITH <g>] DELETE { … } INSERT { … } [USING …] WHERE { … }`.
    case modify(Modify)
    /// `LOAD [SILENT] <document> [INTO GRAPH <g>]`; without `INTO` the document goes into the default graph.
    case load(document: String, into: String?, silent: Bool)
    /// `CLEAR [SILENT] …`: removes the triples, keeps the graphs.
    case clear(GraphTarget, silent: Bool)
    /// `DROP [SILENT] …`: removes the graphs.
    case drop(GraphTarget, silent: Bool)
    /// `CREATE [SILENT] GRAPH <g>`.
    case create(graph: String, silent: Bool)
    /// `ADD [SILENT] from TO to`: copies the triples of `from` into `to`.
    case add(from: GraphOrDefault, to: GraphOrDefault, silent: Bool)
    /// `MOVE [SILENT] from TO to`: `to` is replaced by `from`, which is dropped.
    case move(from: GraphOrDefault, to: GraphOrDefault, silent: Bool)
    /// `COPY [SILENT] from TO to`: `to` is replaced by a copy of `from`.
    case copy(from: GraphOrDefault, to: GraphOrDefault, silent: Bool)
}

/// `[WITH <g>] (DELETE { … } [INSERT { … }] | INSERT { … }) USING* WHERE { … }` (Update §3.1.3).
public struct Modify: Sendable, Equatable {
    /// `WITH <g>`: the graph that quads outside `GRAPH` blocks, and the `WHERE` pattern when
    /// there is no `USING`, refer to.
    public var with: String?
    /// The `DELETE` template, `nil` when the operation has none (variables allowed, no blank nodes).
    public var delete: [QuadPattern]?
    /// The `INSERT` template, `nil` when the operation has none (blank nodes are new per solution).
    public var insert: [QuadPattern]?
    /// `USING <g>` (`isNamed` false) and `USING NAMED <g>` clauses, in order: the dataset of the
    /// `WHERE` pattern, as `FROM` and `FROM NAMED` are for a query.
    public var using: [DatasetClause]
    public var pattern: GroupGraphPattern

    public init(with: String? = nil, delete: [QuadPattern]? = nil, insert: [QuadPattern]? = nil,
                using: [DatasetClause] = [], pattern: GroupGraphPattern) {
        self.with = with
        self.delete = delete
        self.insert = insert
        self.using = using
        self.pattern = pattern
    }
}

/// A triple pattern of a template or of `DELETE WHERE`, in the default graph (`graph` is `nil`) or
/// written inside `GRAPH g { … }`.
public struct QuadPattern: Hashable, Sendable {
    public var triple: TriplePattern
    public var graph: VariableOrIRI?

    public init(_ triple: TriplePattern, graph: VariableOrIRI? = nil) {
        self.triple = triple
        self.graph = graph
    }
}

/// A triple of `INSERT DATA` or `DELETE DATA`, in the default graph (`graph` is `nil`) or written
/// inside `GRAPH <g> { … }`.
public struct DataQuad: Hashable, Sendable {
    public var triple: Triple
    public var graph: String?

    public init(_ triple: Triple, graph: String? = nil) {
        self.triple = triple
        self.graph = graph
    }
}

/// The graphs `CLEAR` and `DROP` act on (`GraphRefAll`).
public enum GraphTarget: Hashable, Sendable {
    /// `GRAPH <g>`
    case graph(String)
    /// `DEFAULT`: the default graph.
    case defaultGraph
    /// `NAMED`: every named graph.
    case named
    /// `ALL`: the default graph and every named graph.
    case all
}

/// The source or target of `ADD`, `MOVE` and `COPY` (`GraphOrDefault`).
public enum GraphOrDefault: Hashable, Sendable {
    /// `DEFAULT`
    case defaultGraph
    /// `<g>` or `GRAPH <g>`
    case graph(String)
}
