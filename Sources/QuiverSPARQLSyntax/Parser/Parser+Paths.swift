/// Property paths (§19.8 [88]–[96]). Precedence, loosest first: `|`, `/`, `^` (prefix), then the
/// postfix `*`, `+`, `?` on a primary.
extension Parser {
    /// `Path ::= PathAlternative ::= PathSequence ('|' PathSequence)*`
    mutating func parsePath() throws(SPARQLSyntaxError) -> PropertyPath {
        try enterNesting(at: try peek())
        defer { depth -= 1 }
        var path = try parsePathSequence()
        while try accept("|") {
            try countOperator(at: try peek())
            path = .alternative(path, try parsePathSequence())
        }
        return path
    }

    /// `PathSequence ::= PathEltOrInverse ('/' PathEltOrInverse)*`
    private mutating func parsePathSequence() throws(SPARQLSyntaxError) -> PropertyPath {
        var path = try parsePathEltOrInverse()
        while try accept("/") {
            try countOperator(at: try peek())
            path = .sequence(path, try parsePathEltOrInverse())
        }
        return path
    }

    /// `PathEltOrInverse ::= PathElt | '^' PathElt`, `PathElt ::= PathPrimary PathMod?`
    private mutating func parsePathEltOrInverse() throws(SPARQLSyntaxError) -> PropertyPath {
        let inverse = try accept("^")
        var path = try parsePathPrimary()
        let modifier = try peek()
        if modifier.isSymbol("*") {
            try advance()
            path = .zeroOrMore(path)
        } else if modifier.isSymbol("+") {
            try advance()
            path = .oneOrMore(path)
        } else if modifier.isSymbol("?") {
            try advance()
            path = .zeroOrOne(path)
        }
        return inverse ? .inverse(path) : path
    }

    /// `PathPrimary ::= iri | 'a' | '!' PathNegatedPropertySet | '(' Path ')'`
    private mutating func parsePathPrimary() throws(SPARQLSyntaxError) -> PropertyPath {
        let token = try peek()
        if isLowercaseA(token) {
            try advance()
            return .iri(Vocabulary.type)
        }
        if startsIRI(token) {
            return .iri(try parseIRI())
        }
        if try accept("!") {
            return .negatedSet(try parseNegatedPropertySet())
        }
        if try accept("(") {
            let path = try parsePath()
            try expect(")")
            return path
        }
        throw unexpected(token, expected: "a property path (an IRI, 'a', '^', '!' or '(')")
    }

    /// `PathNegatedPropertySet ::= PathOneInPropertySet | '(' (PathOneInPropertySet ('|' PathOneInPropertySet)*)? ')'`
    private mutating func parseNegatedPropertySet() throws(SPARQLSyntaxError) -> [NegatedProperty] {
        guard try accept("(") else { return [try parseOneInPropertySet()] }
        var members: [NegatedProperty] = []
        if try accept(")") { return members }
        repeat {
            members.append(try parseOneInPropertySet())
        } while try accept("|")
        try expect(")")
        return members
    }

    /// `PathOneInPropertySet ::= iri | 'a' | '^' (iri | 'a')`
    private mutating func parseOneInPropertySet() throws(SPARQLSyntaxError) -> NegatedProperty {
        let inverse = try accept("^")
        let token = try peek()
        let iri: String
        if isLowercaseA(token) {
            try advance()
            iri = Vocabulary.type
        } else if startsIRI(token) {
            iri = try parseIRI()
        } else {
            throw unexpected(token, expected: inverse ? "an IRI or 'a' after '^'" : "an IRI, 'a' or '^' in a negated property set")
        }
        return inverse ? .inverse(iri) : .forward(iri)
    }
}
