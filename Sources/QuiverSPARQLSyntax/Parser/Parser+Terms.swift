import QuiverCore
import QuiverParsers

/// Terms: IRIs, prefixed names, literals, numbers, blank nodes, variables (§19.8 [104]–[137]).
extension Parser {
    // MARK: - IRIs

    /// An IRI as written in `<…>`, resolved against the base (RFC 3986). Without a base a relative
    /// reference stays as written.
    func resolve(_ reference: String) -> String {
        guard let base, !IRIResolver.isAbsolute(reference) else { return reference }
        return IRIResolver.resolve(reference, against: base)
    }

    func startsIRI(_ token: Token) -> Bool {
        switch token.kind {
        case .iriRef, .prefixedName: true
        default: false
        }
    }

    /// `iri ::= IRIREF | PrefixedName`
    mutating func parseIRI(expected: String = "an IRI") throws(SPARQLSyntaxError) -> String {
        let token = try peek()
        switch token.kind {
        case .iriRef(let reference):
            try advance()
            return resolve(reference)
        case .prefixedName(let prefix, let local):
            guard let namespace = prefixes[prefix] else {
                throw invalid(token, "the prefix '\(prefix):' is not declared (add PREFIX \(prefix): <…> before the \(unit))")
            }
            try advance()
            return namespace + local
        default:
            throw unexpected(token, expected: expected)
        }
    }

    // MARK: - Variables

    mutating func parseVariable() throws(SPARQLSyntaxError) -> Variable {
        let token = try peek()
        guard case .variable(let name) = token.kind else { throw unexpected(token, expected: "a variable") }
        try advance()
        return Variable(name)
    }

    // MARK: - Literals

    /// Whether the next tokens start a literal (a sign counts when a number follows it directly).
    mutating func startsLiteral() throws(SPARQLSyntaxError) -> Bool {
        let token = try peek()
        switch token.kind {
        case .string, .integer, .decimal, .double: return true
        case .word(let upper): return upper == "TRUE" || upper == "FALSE"
        case .symbol("+"), .symbol("-"): return try isSignedNumber()
        default: return false
        }
    }

    /// Whether the next token is `+` or `-` written right before a number: `-1` is one literal
    /// (INTEGER_NEGATIVE), `- 1` is not.
    mutating func isSignedNumber() throws(SPARQLSyntaxError) -> Bool {
        let sign = try peek()
        guard sign.isSymbol("+") || sign.isSymbol("-") else { return false }
        let number = try peek(1)
        switch number.kind {
        case .integer, .decimal, .double: return number.start == sign.end
        default: return false
        }
    }

    /// RDFLiteral, NumericLiteral (signed or not) or BooleanLiteral.
    mutating func parseLiteral() throws(SPARQLSyntaxError) -> Term {
        var token = try peek()
        var sign = ""
        if try isSignedNumber() {
            sign = token.isSymbol("-") ? "-" : "+"
            try advance()
            token = try peek()
        }
        switch token.kind {
        case .integer(let digits):
            try advance()
            return .literal(sign + digits, datatype: Vocabulary.integer, language: nil)
        case .decimal(let digits):
            try advance()
            return .literal(sign + digits, datatype: Vocabulary.decimal, language: nil)
        case .double(let digits):
            try advance()
            return .literal(sign + digits, datatype: Vocabulary.double, language: nil)
        case .word("TRUE"), .word("FALSE"):
            try advance()
            return .literal(token.isWord("TRUE") ? "true" : "false", datatype: Vocabulary.boolean, language: nil)
        case .string(let value):
            try advance()
            let next = try peek()
            if case .languageTag(let tag) = next.kind {
                try advance()
                return .literal(value, datatype: nil, language: tag)
            }
            if try accept("^^") {
                let datatype = try parseIRI(expected: "a datatype IRI after '^^'")
                return .literal(value, datatype: datatype == Vocabulary.string ? nil : datatype, language: nil)
            }
            return .literal(value, datatype: nil, language: nil)
        default:
            throw unexpected(token, expected: "a literal")
        }
    }

    // MARK: - Graph terms

    /// Whether the next tokens start a VarOrTerm.
    mutating func startsVarOrTerm() throws(SPARQLSyntaxError) -> Bool {
        let token = try peek()
        switch token.kind {
        case .variable, .iriRef, .prefixedName, .blankNodeLabel: return true
        case .symbol("["): return try peek(1).isSymbol("]")
        case .symbol("("): return try peek(1).isSymbol(")")
        default: return try startsLiteral()
        }
    }

    /// `VarOrTerm ::= Var | GraphTerm`
    mutating func parseVarOrTerm() throws(SPARQLSyntaxError) -> TermPattern {
        let token = try peek()
        if case .variable(let name) = token.kind {
            try checkVariableAllowed(at: token)
            try advance()
            return .variable(Variable(name))
        }
        return try parseGraphTerm()
    }

    /// `GraphTerm ::= iri | RDFLiteral | NumericLiteral | BooleanLiteral | BlankNode | NIL`
    mutating func parseGraphTerm() throws(SPARQLSyntaxError) -> TermPattern {
        let token = try peek()
        let second = try peek(1)
        switch token.kind {
        case .iriRef, .prefixedName:
            return .term(.iri(try parseIRI()))
        case .blankNodeLabel(let label):
            try advance()
            return try labelledBlankNode(label, at: token)
        case .symbol("[") where second.isSymbol("]"):
            try advance()
            try advance()
            return try freshBlankNode(at: token)
        case .symbol("(") where second.isSymbol(")"):
            try advance()
            try advance()
            return .term(.iri(Vocabulary.nil_))
        default:
            guard try startsLiteral() else { throw unexpected(token, expected: "a variable or an RDF term") }
            return .term(try parseLiteral())
        }
    }

    /// `VarOrIri ::= Var | iri`
    mutating func parseVariableOrIRI(expected: String = "a variable or an IRI") throws(SPARQLSyntaxError) -> VariableOrIRI {
        let token = try peek()
        if case .variable(let name) = token.kind {
            try advance()
            return .variable(Variable(name))
        }
        guard startsIRI(token) else { throw unexpected(token, expected: expected) }
        return .iri(try parseIRI())
    }
}
