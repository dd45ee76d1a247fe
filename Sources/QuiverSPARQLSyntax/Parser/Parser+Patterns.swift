import QuiverCore

/// Graph patterns (§19.8 [53]–[74]): groups, OPTIONAL, UNION, MINUS, GRAPH, SERVICE, FILTER, BIND,
/// VALUES and subqueries.
extension Parser {
    /// `GroupGraphPattern ::= '{' (SubSelect | GroupGraphPatternSub) '}'`
    mutating func parseGroupGraphPattern() throws(SPARQLSyntaxError) -> GroupGraphPattern {
        let open = try expect("{")
        try enterNesting(at: open)
        let outerAggregates = aggregatesAllowed, outerBGP = currentBGP
        aggregatesAllowed = false
        defer {
            depth -= 1
            aggregatesAllowed = outerAggregates
            currentBGP = outerBGP
        }
        if try peek().isWord("SELECT") {
            let sub = try parseSubSelect()
            try expect("}")
            return GroupGraphPattern([.subSelect(sub)])
        }
        let group = try parseGroupGraphPatternSub()
        let close = try peek()
        guard close.isSymbol("}") else {
            throw unexpected(close, expected: group.endsWithOpenTriples ? "'.', ';', ',' or '}'" : "'}' or a triple pattern")
        }
        try advance()
        return group.pattern
    }

    /// `GroupGraphPatternSub ::= TriplesBlock? (GraphPatternNotTriples '.'? TriplesBlock?)*`
    private mutating func parseGroupGraphPatternSub() throws(SPARQLSyntaxError) -> (pattern: GroupGraphPattern, endsWithOpenTriples: Bool) {
        var elements: [GroupElement] = []
        // Whether the last element was a triples block that may continue the BGP (FILTERs between
        // triples do not split it: they apply to the whole group).
        var bgpOpen = false
        var endsWithOpenTriples = false
        while true {
            if try startsTriples() {
                if endsWithOpenTriples { break }
                if !bgpOpen { beginBGP() }
                var triples: [TriplesElement] = []
                let first = try peek()
                endsWithOpenTriples = try parseTriplesBlock(into: &triples)
                guard triples.count <= Self.maxTriplePatterns else {
                    throw invalid(first, "a block of triple patterns holds at most \(Self.maxTriplePatterns) patterns, this one \(triples.count)")
                }
                elements.append(.triples(triples))
                bgpOpen = true
                continue
            }
            guard let element = try parseGraphPatternNotTriples(before: elements) else { break }
            endsWithOpenTriples = false
            if case .filter = element {} else { bgpOpen = false }
            elements.append(element)
            _ = try accept(".")
        }
        return (GroupGraphPattern(elements), endsWithOpenTriples)
    }

    /// `TriplesBlock ::= TriplesSameSubjectPath ('.' TriplesBlock?)?`; whether it ended without a '.'.
    private mutating func parseTriplesBlock(into triples: inout [TriplesElement]) throws(SPARQLSyntaxError) -> Bool {
        while true {
            try parseTriplesSameSubject(into: &triples, .pattern)
            guard try accept(".") else { return true }
            guard try startsTriples() else { return false }
        }
    }

    /// `GraphPatternNotTriples`, or `nil` (nothing consumed) when none starts here.
    private mutating func parseGraphPatternNotTriples(before elements: [GroupElement]) throws(SPARQLSyntaxError) -> GroupElement? {
        let token = try peek()
        if token.isSymbol("{") {
            var alternatives = [try parseGroupGraphPattern()]
            while try acceptWord("UNION") {
                alternatives.append(try parseGroupGraphPattern())
            }
            return alternatives.count == 1 ? .group(alternatives[0]) : .union(alternatives)
        }
        guard case .word(let keyword) = token.kind else { return nil }
        switch keyword {
        case "OPTIONAL":
            try advance()
            return .optional(try parseGroupGraphPattern())
        case "MINUS":
            try advance()
            return .minus(try parseGroupGraphPattern())
        case "GRAPH":
            try advance()
            let name = try parseVariableOrIRI(expected: "a variable or an IRI naming the graph")
            return .graph(name, try parseGroupGraphPattern())
        case "SERVICE":
            try advance()
            let silent = try acceptWord("SILENT")
            let name = try parseVariableOrIRI(expected: "a variable or an IRI naming the service")
            return .service(name, try parseGroupGraphPattern(), silent: silent)
        case "FILTER":
            try advance()
            return .filter(try parseConstraint())
        case "BIND":
            try advance()
            try expect("(")
            let expression = try parseExpression()
            try expectWord("AS")
            let variableToken = try peek()
            let variable = try parseVariable()
            try expect(")")
            var inScope = Set<Variable>()
            for element in elements { element.addInScopeVariables(to: &inScope) }
            if inScope.contains(variable) {
                throw invalid(variableToken, "\(variable) is already in scope in this group; BIND must assign a new variable")
            }
            return .bind(expression, as: variable)
        case "VALUES":
            try advance()
            return .values(try parseDataBlock())
        default:
            return nil
        }
    }

    /// `Constraint ::= BrackettedExpression | BuiltInCall | FunctionCall`
    mutating func parseConstraint() throws(SPARQLSyntaxError) -> Expression {
        let token = try peek()
        if token.isSymbol("(") { return try parseBrackettedExpression() }
        if try startsBuiltInCall(), let call = try parseBuiltInCall() { return call }
        if startsIRI(token) {
            let call = try parseIRIOrFunction()
            if case .function = call { return call }
        }
        throw unexpected(token, expected: "a constraint: '(' expression ')', a built-in call or a function call")
    }

    /// `DataBlock ::= InlineDataOneVar | InlineDataFull`
    mutating func parseDataBlock() throws(SPARQLSyntaxError) -> InlineData {
        let token = try peek()
        if case .variable(let name) = token.kind {
            try advance()
            try expect("{")
            var rows: [[Term?]] = []
            while try !accept("}") {
                rows.append([try parseDataBlockValue()])
            }
            return InlineData(variables: [Variable(name)], rows: rows)
        }
        guard token.isSymbol("(") else { throw unexpected(token, expected: "a variable or '(' after VALUES") }
        try advance()
        var variables: [Variable] = []
        while try !accept(")") {
            variables.append(try parseVariable())
        }
        try expect("{")
        var rows: [[Term?]] = []
        while true {
            let open = try peek()
            if open.isSymbol("}") { break }
            try expect("(")
            var row: [Term?] = []
            while try !accept(")") {
                row.append(try parseDataBlockValue())
            }
            guard row.count == variables.count else {
                throw invalid(open, "this VALUES row has \(row.count) value\(row.count == 1 ? "" : "s") for \(variables.count) variable\(variables.count == 1 ? "" : "s")")
            }
            rows.append(row)
        }
        try advance()
        return InlineData(variables: variables, rows: rows)
    }

    /// `DataBlockValue ::= iri | RDFLiteral | NumericLiteral | BooleanLiteral | 'UNDEF'`
    private mutating func parseDataBlockValue() throws(SPARQLSyntaxError) -> Term? {
        let token = try peek()
        if try acceptWord("UNDEF") { return nil }
        if startsIRI(token) { return .iri(try parseIRI()) }
        guard try startsLiteral() else { throw unexpected(token, expected: "an IRI, a literal or UNDEF") }
        return try parseLiteral()
    }
}
