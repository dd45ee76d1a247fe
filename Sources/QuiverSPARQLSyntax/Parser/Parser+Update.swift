import QuiverCore

/// SPARQL 1.1 Update (§19.8 [3], [29]–[52]; SPARQL 1.1 Update §3): a request of operations
/// separated by `;`, each after a prologue of its own whose declarations stay in force for the
/// operations after it. Templates and DATA blocks are read with the query's triples productions;
/// the `WHERE` of DELETE/INSERT is a query's group graph pattern.
///
/// The static rules (the notes to §19.8's grammar, and §19.6): DATA blocks hold no variables;
/// DELETE DATA, DELETE WHERE and a DELETE template hold no blank nodes; a blank node label is used
/// in one operation of a request only, and, as in a query, in one basic graph pattern of a WHERE.
///
/// The query's caps bound each operation as they bound a query: nesting depth, operators in its
/// expressions and paths, triple patterns per block of a pattern that is matched (a WHERE's blocks
/// and DELETE WHERE's). Templates and DATA blocks are instantiated, never matched, so their
/// size is bounded by the text alone. A request holds at most `maxOperations` operations.
extension Parser {
    /// The most operations one request holds.
    static let maxOperations = 1000

    /// `UpdateUnit ::= Update ::= Prologue (Update1 (';' Update)?)?`
    mutating func parseUpdateUnit() throws(SPARQLSyntaxError) -> UpdateRequest {
        unit = "operation"
        var operations: [UpdateOperation] = []
        while true {
            try parsePrologue()
            let token = try peek()
            // Nothing after the prologue: an empty request, or a request ending with ';'.
            if case .end = token.kind { break }
            guard operations.count < Self.maxOperations else {
                throw invalid(token, "an update request holds at most \(Self.maxOperations) operations; send the rest in another request")
            }
            currentOperation = operations.count
            currentBGP = nil
            // The caps on nesting and operators bound each operation's tree, as they bound a query's.
            operators = 0
            operations.append(try parseOperation())
            currentOperation = nil
            let next = try peek()
            if try accept(";") { continue }
            if case .end = next.kind { break }
            throw unexpected(next, expected: "';' or the end of the update")
        }
        return UpdateRequest(prologue: prologue, operations: operations)
    }

    /// `Update1 ::= Load | Clear | Drop | Add | Move | Copy | Create | InsertData | DeleteData | DeleteWhere | Modify`
    private mutating func parseOperation() throws(SPARQLSyntaxError) -> UpdateOperation {
        let token = try peek()
        let second = try peek(1)
        switch token.kind {
        case .word("INSERT") where second.isWord("DATA"):
            try advance()
            try advance()
            return .insertData(try parseQuadData(QuadRules(clause: "INSERT DATA", allowsVariables: false, allowsBlankNodes: true), after: "INSERT DATA"))
        case .word("DELETE") where second.isWord("DATA"):
            try advance()
            try advance()
            return .deleteData(try parseQuadData(QuadRules(clause: "DELETE DATA", allowsVariables: false, allowsBlankNodes: false), after: "DELETE DATA"))
        case .word("DELETE") where second.isWord("WHERE"):
            try advance()
            try advance()
            // Matched as a pattern, so its blocks are capped as a WHERE's are.
            let rules = QuadRules(clause: "DELETE WHERE", allowsVariables: true, allowsBlankNodes: false)
            return .deleteWhere(try parseQuadPattern(rules, after: "DELETE WHERE", capped: true))
        case .word("INSERT"), .word("DELETE"):
            return .modify(try parseModify(with: nil))
        case .word("WITH"):
            try advance()
            let graph = try parseIRI(expected: "the IRI of a graph after WITH")
            return .modify(try parseModify(with: graph))
        case .word("LOAD"):
            try advance()
            let silent = try acceptWord("SILENT")
            let document = try parseIRI(expected: "the IRI of a document to load")
            var into: String?
            if try acceptWord("INTO") {
                try expectWord("GRAPH")
                into = try parseIRI(expected: "the IRI of a graph after INTO GRAPH")
            }
            return .load(document: document, into: into, silent: silent)
        case .word("CLEAR"), .word("DROP"):
            try advance()
            let silent = try acceptWord("SILENT")
            let target = try parseGraphRefAll()
            return token.isWord("CLEAR") ? .clear(target, silent: silent) : .drop(target, silent: silent)
        case .word("CREATE"):
            try advance()
            let silent = try acceptWord("SILENT")
            try expectWord("GRAPH")
            return .create(graph: try parseIRI(expected: "the IRI of a graph after GRAPH"), silent: silent)
        case .word(let keyword) where keyword == "ADD" || keyword == "MOVE" || keyword == "COPY":
            try advance()
            let silent = try acceptWord("SILENT")
            let from = try parseGraphOrDefault(after: keyword)
            try expectWord("TO")
            let to = try parseGraphOrDefault(after: "TO")
            switch keyword {
            case "ADD": return .add(from: from, to: to, silent: silent)
            case "MOVE": return .move(from: from, to: to, silent: silent)
            default: return .copy(from: from, to: to, silent: silent)
            }
        default:
            throw unexpected(token, expected: "INSERT, DELETE, WITH, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY, PREFIX or BASE")
        }
    }

    // MARK: - DELETE/INSERT

    /// `Modify ::= ('WITH' iri)? (DeleteClause InsertClause? | InsertClause) UsingClause* 'WHERE' GroupGraphPattern`
    private mutating func parseModify(with graph: String?) throws(SPARQLSyntaxError) -> Modify {
        var modify = Modify(with: graph, pattern: GroupGraphPattern())
        let first = try peek()
        if try acceptWord("DELETE") {
            let rules = QuadRules(clause: "a DELETE template", allowsVariables: true, allowsBlankNodes: false)
            modify.delete = try parseQuadPattern(rules, after: "DELETE", capped: false)
        }
        if try acceptWord("INSERT") {
            modify.insert = try parseQuadPattern(nil, after: "INSERT", capped: false)
        }
        guard modify.delete != nil || modify.insert != nil else {
            throw unexpected(first, expected: "DELETE or INSERT after WITH <…>")
        }
        while try acceptWord("USING") {
            let named = try acceptWord("NAMED")
            let iri = try parseIRI(expected: "the IRI of a graph after USING\(named ? " NAMED" : "")")
            modify.using.append(DatasetClause(iri: iri, isNamed: named))
        }
        let whereToken = try peek()
        guard whereToken.isWord("WHERE") else {
            let expected = modify.insert == nil ? "INSERT { … }, USING or WHERE" : "USING or WHERE"
            throw unexpected(whereToken, expected: expected)
        }
        try advance()
        modify.pattern = try parseGroupGraphPattern()
        return modify
    }

    // MARK: - Quads

    /// `QuadData ::= '{' Quads '}'`: ground triples (variables were refused as they were read).
    private mutating func parseQuadData(_ rules: QuadRules, after keyword: String) throws(SPARQLSyntaxError) -> [DataQuad] {
        var data: [DataQuad] = []
        for quad in try parseQuadPattern(rules, after: keyword, capped: false) {
            guard case .term(let s) = quad.triple.subject, case .term(let p) = quad.triple.predicate,
                  case .term(let o) = quad.triple.object else { continue }
            var graph: String?
            if case .iri(let name)? = quad.graph { graph = name }
            data.append(DataQuad(Triple(s, p, o), graph: graph))
        }
        return data
    }

    /// `QuadPattern ::= '{' Quads '}'`
    /// `Quads ::= TriplesTemplate? (QuadsNotTriples '.'? TriplesTemplate?)*`
    /// `QuadsNotTriples ::= 'GRAPH' VarOrIri '{' TriplesTemplate? '}'`
    ///
    /// `rules` says what the quads may not hold; `capped` whether each block is held to
    /// `maxTriplePatterns`, as the blocks of a pattern that is matched are.
    private mutating func parseQuadPattern(_ rules: QuadRules?, after keyword: String, capped: Bool) throws(SPARQLSyntaxError) -> [QuadPattern] {
        let brace = try peek()
        guard brace.isSymbol("{") else { throw unexpected(brace, expected: "'{' after \(keyword)") }
        try advance()
        quadRules = rules
        defer { quadRules = nil }
        var quads: [QuadPattern] = []
        while true {
            let open = try parseQuadsBlock(in: nil, into: &quads, capped: capped)
            let token = try peek()
            if token.isWord("GRAPH") {
                try advance()
                let name = try peek()
                if case .variable = name.kind { try checkVariableAllowed(at: name) }
                let graph = try parseVariableOrIRI(expected: "a variable or an IRI naming the graph")
                try expect("{")
                let graphOpen = try parseQuadsBlock(in: graph, into: &quads, capped: capped)
                let close = try peek()
                if close.isWord("GRAPH") {
                    throw invalid(close, "a GRAPH block may not hold another: close it with '}' first")
                }
                guard close.isSymbol("}") else {
                    throw unexpected(close, expected: graphOpen ? "'.', ';', ',' or '}'" : "'}' or a triple")
                }
                try advance()
                _ = try accept(".")
                continue
            }
            guard token.isSymbol("}") else {
                throw unexpected(token, expected: open ? "'.', ';', ',', GRAPH or '}'" : "'}', GRAPH or a triple")
            }
            try advance()
            return quads
        }
    }

    /// `TriplesTemplate?` of the default graph (`graph` is `nil`) or of a `GRAPH` block; whether
    /// the last triple is still open (no '.' after it).
    private mutating func parseQuadsBlock(in graph: VariableOrIRI?, into quads: inout [QuadPattern], capped: Bool) throws(SPARQLSyntaxError) -> Bool {
        let first = try peek()
        var triples: [TriplePattern] = []
        let open = try parseTriplesTemplate(into: &triples)
        if capped, triples.count > Self.maxTriplePatterns {
            throw invalid(first, "a block of triple patterns holds at most \(Self.maxTriplePatterns) patterns, this one \(triples.count)")
        }
        for triple in triples { quads.append(QuadPattern(triple, graph: graph)) }
        return open
    }

    // MARK: - Graphs

    /// `GraphRefAll ::= GraphRef | 'DEFAULT' | 'NAMED' | 'ALL'`, `GraphRef ::= 'GRAPH' iri`
    private mutating func parseGraphRefAll() throws(SPARQLSyntaxError) -> GraphTarget {
        let token = try peek()
        switch token.kind {
        case .word("GRAPH"):
            try advance()
            return .graph(try parseIRI(expected: "the IRI of a graph after GRAPH"))
        case .word("DEFAULT"):
            try advance()
            return .defaultGraph
        case .word("NAMED"):
            try advance()
            return .named
        case .word("ALL"):
            try advance()
            return .all
        default:
            throw unexpected(token, expected: "GRAPH <…>, DEFAULT, NAMED or ALL")
        }
    }

    /// `GraphOrDefault ::= 'DEFAULT' | 'GRAPH'? iri`
    private mutating func parseGraphOrDefault(after keyword: String) throws(SPARQLSyntaxError) -> GraphOrDefault {
        if try acceptWord("DEFAULT") { return .defaultGraph }
        let graphWord = try acceptWord("GRAPH")
        let token = try peek()
        guard startsIRI(token) else {
            throw unexpected(token, expected: graphWord ? "the IRI of a graph after GRAPH" : "DEFAULT, GRAPH <…> or the IRI of a graph after \(keyword)")
        }
        return .graph(try parseIRI())
    }
}
