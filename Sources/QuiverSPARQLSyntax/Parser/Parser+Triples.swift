import QuiverCore

/// Triples: `TriplesSameSubject(Path)`, property lists, object lists, blank node property lists and
/// collections (§19.8 [75]–[103]), expanded to triple and path patterns as §18.2.2.1 says.
extension Parser {
    /// What a position of a triple allows: property paths in a WHERE pattern, only IRIs and
    /// variables as predicates in a CONSTRUCT template.
    struct TriplesContext {
        var allowsPaths: Bool
        static let pattern = TriplesContext(allowsPaths: true)
        static let template = TriplesContext(allowsPaths: false)
    }

    /// A predicate: a variable or IRI (a plain triple pattern), or a property path.
    enum Verb {
        case simple(TermPattern)
        case path(PropertyPath)
    }

    /// Whether the next tokens start `TriplesSameSubject(Path)`.
    mutating func startsTriples() throws(SPARQLSyntaxError) -> Bool {
        let token = try peek()
        if token.isSymbol("[") || token.isSymbol("(") { return true }
        return try startsVarOrTerm()
    }

    /// `TriplesTemplate ::= TriplesSameSubject ('.' TriplesTemplate?)?`, or nothing: triples with IRI
    /// or variable predicates, '.'-separated (CONSTRUCT and update templates, DATA blocks). Returns
    /// whether the last triple is still open (no '.' after it).
    mutating func parseTriplesTemplate(into triples: inout [TriplePattern]) throws(SPARQLSyntaxError) -> Bool {
        var elements: [TriplesElement] = []
        var open = false
        while try startsTriples() {
            try parseTriplesSameSubject(into: &elements, .template)
            open = true
            guard try accept(".") else { break }
            open = false
        }
        for case .triple(let t) in elements { triples.append(t) }
        return open
    }

    /// `TriplesSameSubjectPath ::= VarOrTerm PropertyListPathNotEmpty | TriplesNodePath PropertyListPath`
    mutating func parseTriplesSameSubject(into out: inout [TriplesElement], _ context: TriplesContext) throws(SPARQLSyntaxError) {
        let token = try peek()
        let second = try peek(1)
        let isNode = (token.isSymbol("[") && !second.isSymbol("]")) || (token.isSymbol("(") && !second.isSymbol(")"))
        if isNode {
            let subject = try parseTriplesNode(into: &out, context)
            if try startsVerb(context) {
                try parsePropertyList(subject: subject, into: &out, context)
            }
        } else {
            let subject = try parseVarOrTerm()
            guard try startsVerb(context) else {
                throw unexpected(try peek(), expected: context.allowsPaths ? "a predicate (an IRI, a variable, 'a' or a property path)" : "a predicate (an IRI, a variable or 'a')")
            }
            try parsePropertyList(subject: subject, into: &out, context)
        }
    }

    mutating func startsVerb(_ context: TriplesContext) throws(SPARQLSyntaxError) -> Bool {
        let token = try peek()
        switch token.kind {
        case .variable, .iriRef, .prefixedName: return true
        case .word("A"): return isLowercaseA(token)
        case .symbol("^"), .symbol("!"), .symbol("("): return context.allowsPaths
        default: return false
        }
    }

    /// `a` is a keyword only in lower case.
    func isLowercaseA(_ token: Token) -> Bool {
        token.isWord("A") && written(token) == "'a'"
    }

    /// `PropertyListPathNotEmpty ::= (VerbPath | VerbSimple) ObjectListPath (';' ((VerbPath | VerbSimple) ObjectList)?)*`
    mutating func parsePropertyList(subject: TermPattern, into out: inout [TriplesElement], _ context: TriplesContext) throws(SPARQLSyntaxError) {
        while true {
            let verb = try parseVerb(context)
            try parseObjectList(subject: subject, verb: verb, into: &out, context)
            guard try peek().isSymbol(";") else { return }
            while try accept(";") {}
            guard try startsVerb(context) else { return }
        }
    }

    mutating func parseVerb(_ context: TriplesContext) throws(SPARQLSyntaxError) -> Verb {
        let token = try peek()
        if case .variable(let name) = token.kind {
            try checkVariableAllowed(at: token)
            try advance()
            return .simple(.variable(Variable(name)))
        }
        if context.allowsPaths {
            let path = try parsePath()
            if case .iri(let iri) = path { return .simple(.term(.iri(iri))) }
            return .path(path)
        }
        if isLowercaseA(token) {
            try advance()
            return .simple(.term(.iri(Vocabulary.type)))
        }
        guard startsIRI(token) else { throw unexpected(token, expected: "a predicate (an IRI, a variable or 'a')") }
        return .simple(.term(.iri(try parseIRI())))
    }

    /// `ObjectList ::= Object (',' Object)*`
    mutating func parseObjectList(subject: TermPattern, verb: Verb, into out: inout [TriplesElement], _ context: TriplesContext) throws(SPARQLSyntaxError) {
        repeat {
            let object = try parseGraphNode(into: &out, context)
            switch verb {
            case .simple(let predicate): out.append(.triple(TriplePattern(subject, predicate, object)))
            case .path(let path): out.append(.path(PathPattern(subject, path, object)))
            }
        } while try accept(",")
    }

    /// `GraphNode ::= VarOrTerm | TriplesNode`
    mutating func parseGraphNode(into out: inout [TriplesElement], _ context: TriplesContext) throws(SPARQLSyntaxError) -> TermPattern {
        let token = try peek()
        if token.isSymbol("[") || token.isSymbol("("), try !startsVarOrTerm() {
            return try parseTriplesNode(into: &out, context)
        }
        guard try startsVarOrTerm() else { throw unexpected(token, expected: "an object (a variable, an RDF term, '[' or '(')") }
        return try parseVarOrTerm()
    }

    /// `TriplesNode ::= Collection | BlankNodePropertyList`: the node, its triples appended to `out`.
    mutating func parseTriplesNode(into out: inout [TriplesElement], _ context: TriplesContext) throws(SPARQLSyntaxError) -> TermPattern {
        let open = try advance()
        try enterNesting(at: open)
        defer { depth -= 1 }
        if open.isSymbol("[") {
            let node = try freshBlankNode(at: open)
            try parsePropertyList(subject: node, into: &out, context)
            try expect("]")
            return node
        }
        // A collection: ( a b ) is _:l1 rdf:first a; rdf:rest _:l2. _:l2 rdf:first b; rdf:rest rdf:nil.
        var members: [TermPattern] = []
        repeat {
            members.append(try parseGraphNode(into: &out, context))
        } while try !accept(")")
        var cells: [TermPattern] = []
        for _ in members { cells.append(try freshBlankNode(at: open)) }
        for (i, member) in members.enumerated() {
            out.append(.triple(TriplePattern(cells[i], .term(.iri(Vocabulary.first)), member)))
            let rest: TermPattern = i + 1 < cells.count ? cells[i + 1] : .term(.iri(Vocabulary.nil_))
            out.append(.triple(TriplePattern(cells[i], .term(.iri(Vocabulary.rest)), rest)))
        }
        return cells[0]
    }
}
