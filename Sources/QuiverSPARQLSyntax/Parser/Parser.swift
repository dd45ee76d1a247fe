import QuiverCore
import QuiverParsers

/// The recursive-descent parser of the SPARQL 1.1 grammar (§19.8): one method per production,
/// split across files by concern (`Parser+Query`, `+Patterns`, `+Triples`, `+Paths`,
/// `+Expressions`, `+Terms`). State that outlives one production (prefixes, base, blank node
/// scopes, nesting) lives here, so that SPARQL Update's productions can be added beside Query's.
struct Parser {
    private var lexer: Lexer
    /// Tokens read ahead of the cursor (the grammar needs at most two).
    private var lookahead: [Token] = []

    var base: String?
    var prefixes: [String: String] = [:]
    var prologue: [PrologueDeclaration] = []
    /// What messages call the unit the caps hold for: the "query", or each "operation" of an
    /// update request.
    var unit = "query"

    /// How deep groups, brackets, paths and nested nodes are open: capped so that hostile input
    /// cannot exhaust the stack.
    var depth = 0
    static let maxDepth = 200
    /// Binary operators of expressions and `/`, `|` of paths in the whole query: a chain of them
    /// nests its tree as deep as it is long (`1+1+…+1`), and evaluating or freeing a tree goes as
    /// deep as it, so a chain is capped as nesting is.
    var operators = 0
    static let maxOperators = 1000
    /// The most triple patterns one block holds: a basic graph pattern is matched depth first,
    /// one level per pattern.
    static let maxTriplePatterns = 1000

    /// Whether an aggregate may appear in the expression being parsed (SELECT, HAVING, ORDER BY).
    var aggregatesAllowed = false

    /// The basic graph pattern each blank node label was first used in, with where it was: a label
    /// may be used in one BGP only (§4.1.4).
    var blankNodeScopes: [String: (bgp: Int, token: Token)] = [:]
    /// The BGP being parsed, or `nil` where labels are not scoped (a CONSTRUCT template).
    var currentBGP: Int?
    var bgpCount = 0
    var generatedBlankNodes = 0

    /// The update operation each blank node label was first used in: a label may be used in one
    /// operation of a request only (see `Parser+Update`).
    var blankNodeOperations: [String: (operation: Int, token: Token)] = [:]
    /// The operation being parsed, or `nil` in a query.
    var currentOperation: Int?
    /// What the quads being parsed may hold, while a DATA block or a DELETE template is parsed.
    var quadRules: QuadRules?

    /// Where SPARQL Update forbids variables or blank nodes (the notes to §19.8's grammar).
    struct QuadRules {
        /// The clause, for messages: `INSERT DATA`, `DELETE DATA`, `DELETE WHERE`, `a DELETE template`.
        var clause: String
        var allowsVariables: Bool
        var allowsBlankNodes: Bool
    }

    init(text: QueryText, baseIRI: String?) {
        lexer = Lexer(text: text)
        base = baseIRI
    }

    // MARK: - Tokens

    mutating func peek(_ k: Int = 0) throws(SPARQLSyntaxError) -> Token {
        while lookahead.count <= k {
            lookahead.append(try lexer.next())
        }
        return lookahead[k]
    }

    @discardableResult
    mutating func advance() throws(SPARQLSyntaxError) -> Token {
        let token = try peek()
        lookahead.removeFirst()
        return token
    }

    /// Consumes the symbol if it is next.
    mutating func accept(_ symbol: String) throws(SPARQLSyntaxError) -> Bool {
        guard try peek().isSymbol(symbol) else { return false }
        try advance()
        return true
    }

    /// Consumes the keyword (any case) if it is next.
    mutating func acceptWord(_ upper: String) throws(SPARQLSyntaxError) -> Bool {
        guard try peek().isWord(upper) else { return false }
        try advance()
        return true
    }

    @discardableResult
    mutating func expect(_ symbol: String) throws(SPARQLSyntaxError) -> Token {
        let token = try peek()
        guard token.isSymbol(symbol) else { throw unexpected(token, expected: "'\(symbol)'") }
        return try advance()
    }

    mutating func expectWord(_ upper: String) throws(SPARQLSyntaxError) {
        let token = try peek()
        guard token.isWord(upper) else { throw unexpected(token, expected: upper) }
        try advance()
    }

    // MARK: - Errors

    /// The token as written, quoted, for messages.
    func written(_ token: Token) -> String {
        if case .end = token.kind { return "end of input" }
        let length = token.end - token.start
        let shown = lexer.text.text(token.start..<(token.start + min(length, 40)))
        return "'" + shown + (length > 40 ? "…" : "") + "'"
    }

    func unexpected(_ token: Token, expected: String) -> SPARQLSyntaxError {
        let position = lexer.text.position(of: token.start)
        return SPARQLSyntaxError(line: position.line, column: position.column, found: written(token), problem: .expected(expected))
    }

    func invalid(_ token: Token, _ why: String) -> SPARQLSyntaxError {
        let position = lexer.text.position(of: token.start)
        return SPARQLSyntaxError(line: position.line, column: position.column, found: written(token), problem: .invalid(why))
    }

    func line(of token: Token) -> Int { lexer.text.position(of: token.start).line }

    // MARK: - Nesting

    /// Enters one level of nesting at `token`; the caller leaves with `depth -= 1`.
    mutating func enterNesting(at token: Token) throws(SPARQLSyntaxError) {
        guard depth < Self.maxDepth else {
            throw invalid(token, "the \(unit) nests groups, brackets and paths more than \(Self.maxDepth) deep")
        }
        depth += 1
    }

    /// Counts one operator at `token` (see `operators`).
    mutating func countOperator(at token: Token) throws(SPARQLSyntaxError) {
        operators += 1
        guard operators <= Self.maxOperators else {
            throw invalid(token, "the \(unit) has more than \(Self.maxOperators) operators in its expressions and paths")
        }
    }

    // MARK: - Blank nodes

    /// A fresh blank node for `[]`, `[ … ]` or a collection written at `token`.
    mutating func freshBlankNode(at token: Token) throws(SPARQLSyntaxError) -> TermPattern {
        try checkBlankNodeAllowed(at: token)
        generatedBlankNodes += 1
        return .term(.blank("genid\(generatedBlankNodes)"))
    }

    /// The blank node a written label stands for, checking that the label stays in one BGP and, in
    /// an update, in one operation.
    mutating func labelledBlankNode(_ label: String, at token: Token) throws(SPARQLSyntaxError) -> TermPattern {
        try checkBlankNodeAllowed(at: token)
        if let operation = currentOperation {
            if let first = blankNodeOperations[label] {
                if first.operation != operation {
                    throw invalid(token, "the blank node label _:\(label) is already used in another operation of this request (line \(line(of: first.token))); a label may be used in one operation only")
                }
            } else {
                blankNodeOperations[label] = (operation, token)
            }
        }
        if let bgp = currentBGP {
            if let first = blankNodeScopes[label] {
                if first.bgp != bgp {
                    throw invalid(token, "the blank node label _:\(label) is already used in another basic graph pattern (line \(line(of: first.token))); a label may be used in one only")
                }
            } else {
                blankNodeScopes[label] = (bgp, token)
            }
        }
        return .term(.blank(label.hasPrefix("genid") ? "genidx" + label : label))
    }

    /// Refuses a blank node where the quads delete (DELETE DATA, DELETE WHERE, a DELETE template).
    func checkBlankNodeAllowed(at token: Token) throws(SPARQLSyntaxError) {
        if let rules = quadRules, !rules.allowsBlankNodes {
            throw invalid(token, "blank nodes are not allowed in \(rules.clause): a blank node written there names no triple of the store; match the node with a variable in DELETE … WHERE instead")
        }
    }

    /// Refuses a variable where the quads must be ground (INSERT DATA, DELETE DATA).
    func checkVariableAllowed(at token: Token) throws(SPARQLSyntaxError) {
        if let rules = quadRules, !rules.allowsVariables {
            throw invalid(token, "variables are not allowed in \(rules.clause): its triples must be concrete (to insert or delete by a pattern, use INSERT or DELETE … WHERE)")
        }
    }

    /// Starts a new basic graph pattern for blank node label scoping.
    mutating func beginBGP() {
        bgpCount += 1
        currentBGP = bgpCount
    }
}
