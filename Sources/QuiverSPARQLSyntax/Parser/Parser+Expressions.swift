import QuiverCore

/// Expressions (§19.8 [110]–[129]): `||`, `&&`, the relational operators and `IN`, `+ -`, `* /`,
/// the unary `! + -`, then primaries: brackets, built-in calls, aggregates, IRI function calls,
/// literals and variables.
extension Parser {
    /// `Expression ::= ConditionalOrExpression`
    mutating func parseExpression() throws(SPARQLSyntaxError) -> Expression {
        try enterNesting(at: try peek())
        defer { depth -= 1 }
        var left = try parseConditionalAnd()
        while try accept("||") {
            try countOperator(at: try peek())
            left = .binary(.or, left, try parseConditionalAnd())
        }
        return left
    }

    private mutating func parseConditionalAnd() throws(SPARQLSyntaxError) -> Expression {
        var left = try parseRelational()
        while try accept("&&") {
            try countOperator(at: try peek())
            left = .binary(.and, left, try parseRelational())
        }
        return left
    }

    /// `RelationalExpression ::= NumericExpression (op NumericExpression | 'IN' ExpressionList | 'NOT' 'IN' ExpressionList)?`
    private mutating func parseRelational() throws(SPARQLSyntaxError) -> Expression {
        let left = try parseAdditive()
        let token = try peek()
        let operators: [String: BinaryOperator] = ["=": .equal, "!=": .notEqual, "<": .less, ">": .greater, "<=": .lessOrEqual, ">=": .greaterOrEqual]
        if case .symbol(let s) = token.kind, let op = operators[s] {
            try advance()
            return .binary(op, left, try parseAdditive())
        }
        if try acceptWord("IN") {
            return .in(left, try parseExpressionList())
        }
        if token.isWord("NOT"), try peek(1).isWord("IN") {
            try advance()
            try advance()
            return .notIn(left, try parseExpressionList())
        }
        return left
    }

    /// `AdditiveExpression`. A signed number right after an operand (`?x -1`) is the grammar's
    /// `NumericLiteralNegative` case: it reads as `?x - 1`, the same value.
    private mutating func parseAdditive() throws(SPARQLSyntaxError) -> Expression {
        var left = try parseMultiplicative()
        while true {
            if try accept("+") {
                try countOperator(at: try peek())
                left = .binary(.add, left, try parseMultiplicative())
            } else if try accept("-") {
                try countOperator(at: try peek())
                left = .binary(.subtract, left, try parseMultiplicative())
            } else {
                return left
            }
        }
    }

    private mutating func parseMultiplicative() throws(SPARQLSyntaxError) -> Expression {
        var left = try parseUnary()
        while true {
            if try accept("*") {
                try countOperator(at: try peek())
                left = .binary(.multiply, left, try parseUnary())
            } else if try accept("/") {
                try countOperator(at: try peek())
                left = .binary(.divide, left, try parseUnary())
            } else {
                return left
            }
        }
    }

    /// `UnaryExpression ::= ('!' | '+' | '-')? PrimaryExpression`; `-1` is a negative literal.
    private mutating func parseUnary() throws(SPARQLSyntaxError) -> Expression {
        if try isSignedNumber() {
            return .term(try parseLiteral())
        }
        if try accept("!") { return .unary(.not, try parsePrimary()) }
        if try accept("+") { return .unary(.plus, try parsePrimary()) }
        if try accept("-") { return .unary(.minus, try parsePrimary()) }
        return try parsePrimary()
    }

    /// `PrimaryExpression ::= BrackettedExpression | BuiltInCall | iriOrFunction | RDFLiteral | NumericLiteral | BooleanLiteral | Var`
    private mutating func parsePrimary() throws(SPARQLSyntaxError) -> Expression {
        let token = try peek()
        switch token.kind {
        case .symbol("("):
            return try parseBrackettedExpression()
        case .variable(let name):
            try advance()
            return .variable(Variable(name))
        case .iriRef, .prefixedName:
            return try parseIRIOrFunction()
        case .word:
            if try startsLiteral() { return .term(try parseLiteral()) }
            if let call = try parseBuiltInCall() { return call }
            throw unexpected(token, expected: "an expression")
        default:
            if try startsLiteral() { return .term(try parseLiteral()) }
            throw unexpected(token, expected: "an expression")
        }
    }

    /// `BrackettedExpression ::= '(' Expression ')'`
    mutating func parseBrackettedExpression() throws(SPARQLSyntaxError) -> Expression {
        try expect("(")
        let expression = try parseExpression()
        try expect(")")
        return expression
    }

    /// `ExpressionList ::= NIL | '(' Expression (',' Expression)* ')'`
    private mutating func parseExpressionList() throws(SPARQLSyntaxError) -> [Expression] {
        try expect("(")
        var list: [Expression] = []
        if try accept(")") { return list }
        repeat {
            list.append(try parseExpression())
        } while try accept(",")
        try expect(")")
        return list
    }

    /// `iriOrFunction ::= iri ArgList?`, `ArgList ::= NIL | '(' 'DISTINCT'? Expression (',' Expression)* ')'`
    mutating func parseIRIOrFunction() throws(SPARQLSyntaxError) -> Expression {
        let iri = try parseIRI()
        guard try accept("(") else { return .term(.iri(iri)) }
        if try accept(")") { return .function(iri: iri, arguments: [], distinct: false) }
        let distinctToken = try peek()
        let distinct = try acceptWord("DISTINCT")
        // Only a custom aggregate takes DISTINCT (§19.8 note 12), so it is held to the aggregates' places.
        if distinct, !aggregatesAllowed {
            throw invalid(distinctToken, "DISTINCT makes <\(iri)> a custom aggregate, which is not allowed here: aggregates may appear only in SELECT, HAVING and ORDER BY")
        }
        var arguments: [Expression] = []
        repeat {
            arguments.append(try parseExpression())
        } while try accept(",")
        try expect(")")
        return .function(iri: iri, arguments: arguments, distinct: distinct)
    }

    /// Whether the next token starts a `BuiltInCall` (including aggregates and `EXISTS`).
    mutating func startsBuiltInCall() throws(SPARQLSyntaxError) -> Bool {
        let token = try peek()
        guard case .word(let upper) = token.kind else { return false }
        if BuiltInFunction(keyword: upper) != nil || Self.aggregateKeywords.contains(upper) || upper == "EXISTS" { return true }
        guard upper == "NOT" else { return false }
        return try peek(1).isWord("EXISTS")
    }

    static let aggregateKeywords: Set<String> = ["COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"]

    /// `BuiltInCall`, or `nil` (nothing consumed) when the word names none.
    mutating func parseBuiltInCall() throws(SPARQLSyntaxError) -> Expression? {
        let token = try peek()
        guard case .word(let upper) = token.kind else { return nil }
        if upper == "EXISTS" {
            try advance()
            return .exists(try parseGroupGraphPattern())
        }
        if upper == "NOT", try peek(1).isWord("EXISTS") {
            try advance()
            try advance()
            return .notExists(try parseGroupGraphPattern())
        }
        if Self.aggregateKeywords.contains(upper) {
            return .aggregate(try parseAggregate())
        }
        guard let function = BuiltInFunction(keyword: upper) else { return nil }
        try advance()
        if function == .bound {
            try expect("(")
            let variable = try parseVariable()
            try expect(")")
            return .builtIn(.bound, [.variable(variable)])
        }
        let open = try expect("(")
        var arguments: [Expression] = []
        if try !accept(")") {
            repeat {
                arguments.append(try parseExpression())
            } while try accept(",")
            try expect(")")
        }
        if let arity = function.arity, !arity.contains(arguments.count) {
            let count = arity.lowerBound == arity.upperBound ? "\(arity.lowerBound)" : "\(arity.lowerBound) to \(arity.upperBound)"
            throw invalid(open, "\(function.rawValue) takes \(count) argument\(arity.upperBound == 1 ? "" : "s"), not \(arguments.count)")
        }
        return .builtIn(function, arguments)
    }

    /// `Aggregate` (§19.8 [127]); only where `aggregatesAllowed` says.
    private mutating func parseAggregate() throws(SPARQLSyntaxError) -> Aggregate {
        let keyword = try advance()
        guard case .word(let upper) = keyword.kind else { throw unexpected(keyword, expected: "an aggregate") }
        guard aggregatesAllowed else {
            throw invalid(keyword, "the aggregate \(upper) is not allowed here: aggregates may appear only in SELECT, HAVING and ORDER BY, and not inside another aggregate")
        }
        aggregatesAllowed = false
        defer { aggregatesAllowed = true }
        try expect("(")
        let distinct = try acceptWord("DISTINCT")
        if upper == "COUNT", try accept("*") {
            try expect(")")
            return Aggregate(.count, distinct: distinct, nil)
        }
        let expression = try parseExpression()
        let function: AggregateFunction
        switch upper {
        case "COUNT": function = .count
        case "SUM": function = .sum
        case "MIN": function = .min
        case "MAX": function = .max
        case "AVG": function = .avg
        case "SAMPLE": function = .sample
        default:
            var separator: String?
            if try accept(";") {
                try expectWord("SEPARATOR")
                try expect("=")
                let token = try peek()
                guard case .string(let value) = token.kind else { throw unexpected(token, expected: "the separator string") }
                try advance()
                separator = value
            }
            function = .groupConcat(separator: separator)
        }
        let close = try peek()
        guard close.isSymbol(")") else {
            throw unexpected(close, expected: upper == "GROUP_CONCAT" ? "')' or '; SEPARATOR = \"…\"'" : "')' (\(upper) takes one expression)")
        }
        try advance()
        return Aggregate(function, distinct: distinct, expression)
    }
}
