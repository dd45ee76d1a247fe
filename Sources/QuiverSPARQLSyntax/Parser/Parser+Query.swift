import QuiverCore

/// The query forms and what surrounds them (§19.8 [1]–[31]): prologue, SELECT, CONSTRUCT,
/// DESCRIBE, ASK, dataset clauses, solution modifiers and the trailing VALUES.
extension Parser {
    /// `QueryUnit ::= Query ::= Prologue (SelectQuery | ConstructQuery | DescribeQuery | AskQuery) ValuesClause`
    mutating func parseQueryUnit() throws(SPARQLSyntaxError) -> Query {
        try parsePrologue()
        let token = try peek()
        var query: Query
        switch token.kind {
        case .word("SELECT"): query = try parseSelectQuery()
        case .word("CONSTRUCT"): query = try parseConstructQuery()
        case .word("DESCRIBE"): query = try parseDescribeQuery()
        case .word("ASK"): query = try parseAskQuery()
        default: throw unexpected(token, expected: "SELECT, CONSTRUCT, DESCRIBE, ASK, PREFIX or BASE")
        }
        query.prologue = prologue
        let end = try peek()
        if case .end = end.kind { return query }
        throw unexpected(end, expected: query.values == nil ? "VALUES or the end of the query" : "the end of the query")
    }

    // MARK: - Prologue

    /// `Prologue ::= (BaseDecl | PrefixDecl)*`
    mutating func parsePrologue() throws(SPARQLSyntaxError) {
        while true {
            if try acceptWord("BASE") {
                let token = try peek()
                guard case .iriRef(let reference) = token.kind else { throw unexpected(token, expected: "an IRI in <…> after BASE") }
                try advance()
                base = resolve(reference)
                prologue.append(.base(resolve(reference)))
            } else if try acceptWord("PREFIX") {
                let name = try peek()
                guard case .prefixedName(let prefix, let local) = name.kind, local.isEmpty else {
                    throw unexpected(name, expected: "a prefix such as 'ex:' after PREFIX")
                }
                try advance()
                let token = try peek()
                guard case .iriRef(let reference) = token.kind else { throw unexpected(token, expected: "an IRI in <…> for the prefix '\(prefix):'") }
                try advance()
                let namespace = resolve(reference)
                prefixes[prefix] = namespace
                prologue.append(.prefix(prefix, namespace: namespace))
            } else {
                return
            }
        }
    }

    // MARK: - SELECT

    private mutating func parseSelectQuery() throws(SPARQLSyntaxError) -> Query {
        let (select, positions) = try parseSelectClause()
        let dataset = try parseDatasetClauses()
        _ = try acceptWord("WHERE")
        let pattern = try parseGroupGraphPattern()
        let modifiers = try parseSolutionModifiers()
        let values = try parseValuesClause()
        try checkSelect(select, at: positions, pattern: pattern, modifiers: modifiers)
        return Query(form: .select(select), dataset: dataset, pattern: pattern, modifiers: modifiers, values: values)
    }

    /// `SubSelect ::= SelectClause WhereClause SolutionModifier ValuesClause`
    mutating func parseSubSelect() throws(SPARQLSyntaxError) -> SubSelect {
        let (select, positions) = try parseSelectClause()
        _ = try acceptWord("WHERE")
        let pattern = try parseGroupGraphPattern()
        let modifiers = try parseSolutionModifiers()
        let values = try parseValuesClause()
        try checkSelect(select, at: positions, pattern: pattern, modifiers: modifiers)
        return SubSelect(select: select, pattern: pattern, modifiers: modifiers, values: values)
    }

    /// `SelectClause ::= 'SELECT' ('DISTINCT' | 'REDUCED')? ((Var | '(' Expression 'AS' Var ')')+ | '*')`
    private mutating func parseSelectClause() throws(SPARQLSyntaxError) -> (SelectClause, SelectPositions) {
        try expectWord("SELECT")
        var modifier: SelectModifier?
        if try acceptWord("DISTINCT") {
            modifier = .distinct
        } else if try acceptWord("REDUCED") {
            modifier = .reduced
        }
        var positions = SelectPositions()
        let first = try peek()
        if first.isSymbol("*") {
            try advance()
            positions.star = first
            return (SelectClause(modifier: modifier, projection: .all), positions)
        }
        var items: [SelectItem] = []
        while true {
            let token = try peek()
            if case .variable(let name) = token.kind {
                try advance()
                items.append(.variable(Variable(name)))
                positions.items.append(token)
            } else if token.isSymbol("(") {
                try advance()
                aggregatesAllowed = true
                let expression = try parseExpression()
                aggregatesAllowed = false
                try expectWord("AS")
                let variableToken = try peek()
                let variable = try parseVariable()
                try expect(")")
                items.append(.expression(expression, as: variable))
                positions.items.append(variableToken)
            } else if items.isEmpty {
                throw unexpected(token, expected: "'*', a variable or '(' expression AS ?variable ')' after SELECT")
            } else {
                break
            }
        }
        return (SelectClause(modifier: modifier, projection: .items(items)), positions)
    }

    // MARK: - CONSTRUCT, DESCRIBE, ASK

    /// `ConstructQuery ::= 'CONSTRUCT' (ConstructTemplate DatasetClause* WhereClause SolutionModifier
    ///                    | DatasetClause* 'WHERE' '{' TriplesTemplate? '}' SolutionModifier)`
    private mutating func parseConstructQuery() throws(SPARQLSyntaxError) -> Query {
        try expectWord("CONSTRUCT")
        if try peek().isSymbol("{") {
            try advance()
            currentBGP = nil
            let template = try parseTriplesTemplate()
            let dataset = try parseDatasetClauses()
            _ = try acceptWord("WHERE")
            let pattern = try parseGroupGraphPattern()
            let modifiers = try parseSolutionModifiers()
            return Query(form: .construct(template), dataset: dataset, pattern: pattern, modifiers: modifiers, values: try parseValuesClause())
        }
        let dataset = try parseDatasetClauses()
        let whereToken = try peek()
        guard whereToken.isWord("WHERE") else { throw unexpected(whereToken, expected: "'{' (the template) or WHERE after CONSTRUCT") }
        try advance()
        try expect("{")
        beginBGP()
        let template = try parseTriplesTemplate()
        currentBGP = nil
        let pattern = GroupGraphPattern(template.isEmpty ? [] : [.triples(template.map { .triple($0) })])
        let modifiers = try parseSolutionModifiers()
        return Query(form: .construct(template), dataset: dataset, pattern: pattern, modifiers: modifiers, values: try parseValuesClause())
    }

    /// `TriplesTemplate? '}'`
    private mutating func parseTriplesTemplate() throws(SPARQLSyntaxError) -> [TriplePattern] {
        var triples: [TriplePattern] = []
        _ = try parseTriplesTemplate(into: &triples)
        let close = try peek()
        guard close.isSymbol("}") else { throw unexpected(close, expected: "'}' or a triple of the template") }
        try advance()
        return triples
    }

    /// `DescribeQuery ::= 'DESCRIBE' (VarOrIri+ | '*') DatasetClause* WhereClause? SolutionModifier`
    private mutating func parseDescribeQuery() throws(SPARQLSyntaxError) -> Query {
        try expectWord("DESCRIBE")
        let targets: DescribeTargets
        if try accept("*") {
            targets = .all
        } else {
            var resources = [try parseVariableOrIRI(expected: "'*', a variable or an IRI after DESCRIBE")]
            while true {
                let token = try peek()
                if case .variable = token.kind {} else if !startsIRI(token) { break }
                resources.append(try parseVariableOrIRI())
            }
            targets = .resources(resources)
        }
        let dataset = try parseDatasetClauses()
        var pattern = GroupGraphPattern()
        let next = try peek()
        if next.isWord("WHERE") || next.isSymbol("{") {
            _ = try acceptWord("WHERE")
            pattern = try parseGroupGraphPattern()
        }
        let modifiers = try parseSolutionModifiers()
        return Query(form: .describe(targets), dataset: dataset, pattern: pattern, modifiers: modifiers, values: try parseValuesClause())
    }

    /// `AskQuery ::= 'ASK' DatasetClause* WhereClause SolutionModifier`
    private mutating func parseAskQuery() throws(SPARQLSyntaxError) -> Query {
        try expectWord("ASK")
        let dataset = try parseDatasetClauses()
        _ = try acceptWord("WHERE")
        let pattern = try parseGroupGraphPattern()
        let modifiers = try parseSolutionModifiers()
        return Query(form: .ask, dataset: dataset, pattern: pattern, modifiers: modifiers, values: try parseValuesClause())
    }

    // MARK: - Dataset, modifiers, VALUES

    /// `DatasetClause ::= 'FROM' (DefaultGraphClause | NamedGraphClause)`
    private mutating func parseDatasetClauses() throws(SPARQLSyntaxError) -> [DatasetClause] {
        var clauses: [DatasetClause] = []
        while try acceptWord("FROM") {
            let named = try acceptWord("NAMED")
            clauses.append(DatasetClause(iri: try parseIRI(expected: "the IRI of a graph after FROM\(named ? " NAMED" : "")"), isNamed: named))
        }
        return clauses
    }

    /// `SolutionModifier ::= GroupClause? HavingClause? OrderClause? LimitOffsetClauses?`
    private mutating func parseSolutionModifiers() throws(SPARQLSyntaxError) -> SolutionModifiers {
        var modifiers = SolutionModifiers()
        if try peek().isWord("GROUP") {
            try advance()
            try expectWord("BY")
            repeat {
                modifiers.groupBy.append(try parseGroupCondition())
            } while try startsGroupCondition()
        }
        let outerAggregates = aggregatesAllowed
        aggregatesAllowed = true
        defer { aggregatesAllowed = outerAggregates }
        if try acceptWord("HAVING") {
            repeat {
                modifiers.having.append(try parseConstraint())
            } while try startsConstraint()
        }
        if try peek().isWord("ORDER") {
            try advance()
            try expectWord("BY")
            repeat {
                modifiers.orderBy.append(try parseOrderCondition())
            } while try startsOrderCondition()
        }
        aggregatesAllowed = outerAggregates
        var sawLimit = false, sawOffset = false
        while true {
            if !sawLimit, try acceptWord("LIMIT") {
                sawLimit = true
                modifiers.limit = try parseCount(of: "LIMIT")
            } else if !sawOffset, try acceptWord("OFFSET") {
                sawOffset = true
                modifiers.offset = try parseCount(of: "OFFSET")
            } else {
                break
            }
        }
        return modifiers
    }

    private mutating func parseCount(of clause: String) throws(SPARQLSyntaxError) -> Int {
        let token = try peek()
        guard case .integer(let digits) = token.kind else { throw unexpected(token, expected: "a non-negative integer after \(clause)") }
        guard let value = Int(digits) else { throw invalid(token, "\(clause) \(digits) is larger than \(Int.max)") }
        try advance()
        return value
    }

    private mutating func startsConstraint() throws(SPARQLSyntaxError) -> Bool {
        let token = try peek()
        if token.isSymbol("(") || startsIRI(token) { return true }
        return try startsBuiltInCall()
    }

    private mutating func startsGroupCondition() throws(SPARQLSyntaxError) -> Bool {
        if case .variable = try peek().kind { return true }
        return try startsConstraint()
    }

    private mutating func startsOrderCondition() throws(SPARQLSyntaxError) -> Bool {
        let token = try peek()
        if token.isWord("ASC") || token.isWord("DESC") { return true }
        return try startsGroupCondition()
    }

    /// `GroupCondition ::= BuiltInCall | FunctionCall | '(' Expression ('AS' Var)? ')' | Var`
    private mutating func parseGroupCondition() throws(SPARQLSyntaxError) -> GroupCondition {
        let token = try peek()
        if case .variable(let name) = token.kind {
            try advance()
            return GroupCondition(.variable(Variable(name)))
        }
        if token.isSymbol("(") {
            try advance()
            let expression = try parseExpression()
            var variable: Variable?
            if try acceptWord("AS") { variable = try parseVariable() }
            try expect(")")
            return GroupCondition(expression, as: variable)
        }
        guard try startsConstraint() else { throw unexpected(token, expected: "a variable, '(' expression ')' or a call to group by") }
        return GroupCondition(try parseConstraint())
    }

    /// `OrderCondition ::= ('ASC' | 'DESC') BrackettedExpression | Constraint | Var`
    private mutating func parseOrderCondition() throws(SPARQLSyntaxError) -> OrderCondition {
        let token = try peek()
        if token.isWord("ASC") || token.isWord("DESC") {
            try advance()
            return OrderCondition(try parseBrackettedExpression(), descending: token.isWord("DESC"))
        }
        if case .variable(let name) = token.kind {
            try advance()
            return OrderCondition(.variable(Variable(name)))
        }
        return OrderCondition(try parseConstraint())
    }

    /// `ValuesClause ::= ('VALUES' DataBlock)?`
    private mutating func parseValuesClause() throws(SPARQLSyntaxError) -> InlineData? {
        guard try acceptWord("VALUES") else { return nil }
        return try parseDataBlock()
    }
}
