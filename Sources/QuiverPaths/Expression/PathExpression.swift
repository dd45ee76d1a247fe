/// A regular path expression over relations, as written after `--via`.
///
/// Grammar (loosest first): `a|b` alternation, `a/b` sequence, postfix `*` `+` `?` `{m}` `{m,}`
/// `{m,n}`, prefix `^` (inverse), `.` any relation, `( … )` grouping, and relation names: a run of
/// characters other than `/|^*+?{}()<>` and spaces, or any text in `<…>`.
///
/// ```swift
/// let e = try PathExpression.parse("(^locatedin|borders)+/capital")
/// ```
public indirect enum PathExpression: Hashable, Sendable, CustomStringConvertible {
    case relation(String, inverse: Bool)
    case anyRelation(inverse: Bool)
    case sequence([PathExpression])
    case alternation([PathExpression])
    case repetition(PathExpression, min: Int, max: Int?)

    /// The largest `n` accepted in `{m,n}`.
    public static let maxRepetition = 64
    /// The most atoms an expression may unroll to (see `unrolledSize`). Building the automaton
    /// costs about the square of this, so a nested repetition such as `((r{1,16}){1,16}){1,16}`
    /// (4,096 atoms) is refused here, before any of that work, instead of seconds later.
    public static let maxUnrolledSize = 1024
    /// The longest expression text and the deepest nesting of parentheses accepted: the parser
    /// recurses once per level, and a client's argument can be megabytes long.
    public static let maxLength = 4096
    public static let maxNesting = 64

    public static func parse(_ text: String) throws -> PathExpression {
        var p = ExpressionParser(text)
        let e = try p.parseAll()
        let size = e.unrolledSize
        guard size <= maxUnrolledSize else {
            throw PathError.expressionSyntax(
                "the expression unrolls to \(size >= Int.max / 2 ? "too many" : String(size)) relation steps (repetitions copy their bodies); at most \(maxUnrolledSize) are allowed",
                expression: text, offset: 0)
        }
        return e
    }

    /// How many atoms building the automaton copies: a repetition `{m,n}` copies its body `n`
    /// times (`m + 1` when unbounded). Saturates instead of overflowing.
    public var unrolledSize: Int {
        let cap = Int.max / 2
        switch self {
        case .relation, .anyRelation: return 1
        case .sequence(let xs), .alternation(let xs): return xs.reduce(0) { min(cap, $0 + $1.unrolledSize) }
        case .repetition(let x, let lo, let hi):
            let copies = max(1, hi ?? (lo + 1))
            let (n, overflow) = x.unrolledSize.multipliedReportingOverflow(by: copies)
            return overflow ? cap : min(cap, n)
        }
    }

    /// The expression matching the same paths walked backwards.
    public var inverted: PathExpression {
        switch self {
        case .relation(let r, let i): .relation(r, inverse: !i)
        case .anyRelation(let i): .anyRelation(inverse: !i)
        case .sequence(let xs): .sequence(xs.reversed().map(\.inverted))
        case .alternation(let xs): .alternation(xs.map(\.inverted))
        case .repetition(let x, let lo, let hi): .repetition(x.inverted, min: lo, max: hi)
        }
    }

    public var description: String {
        switch self {
        case .relation(let r, let i): return (i ? "^" : "") + (r.contains(where: { "/|^*+?{}()<> .".contains($0) }) ? "<\(r)>" : r)
        case .anyRelation(let i): return i ? "^." : "."
        case .sequence(let xs): return xs.map { x in if case .alternation = x { "(\(x))" } else { x.description } }.joined(separator: "/")
        case .alternation(let xs): return xs.map(\.description).joined(separator: "|")
        case .repetition(let x, let lo, let hi):
            let inner: String
            switch x {
            case .relation, .anyRelation: inner = x.description
            default: inner = "(\(x))"
            }
            switch (lo, hi) {
            case (0, nil): return inner + "*"
            case (1, nil): return inner + "+"
            case (0, 1): return inner + "?"
            case (let m, nil): return inner + "{\(m),}"
            case (let m, let n?) where m == n: return inner + "{\(m)}"
            case (let m, let n?): return inner + "{\(m),\(n)}"
            }
        }
    }

    /// Relation names in the expression, in order of appearance.
    public var relationNames: [String] {
        switch self {
        case .relation(let r, _): [r]
        case .anyRelation: []
        case .sequence(let xs), .alternation(let xs): xs.flatMap(\.relationNames)
        case .repetition(let x, _, _): x.relationNames
        }
    }
}

struct ExpressionParser {
    let text: String
    let chars: [Character]
    var pos = 0

    init(_ text: String) {
        self.text = text
        chars = Array(text)
    }

    static let special: Set<Character> = ["/", "|", "^", "*", "+", "?", "{", "}", "(", ")", "<", ">"]

    func fail(_ message: String, at offset: Int? = nil) -> PathError {
        .expressionSyntax(message, expression: text, offset: offset ?? pos)
    }

    mutating func skipSpaces() {
        while pos < chars.count, chars[pos].isWhitespace { pos += 1 }
    }

    /// Open parentheses around the current position.
    var depth = 0

    mutating func parseAll() throws -> PathExpression {
        if chars.count > PathExpression.maxLength {
            throw fail("the expression is \(chars.count) characters long; at most \(PathExpression.maxLength) are allowed", at: 0)
        }
        skipSpaces()
        if pos == chars.count { throw fail("empty expression") }
        let e = try parseAlternation()
        skipSpaces()
        if pos < chars.count { throw fail("unexpected '\(chars[pos])'") }
        return e
    }

    mutating func parseAlternation() throws -> PathExpression {
        var items = [try parseSequence()]
        skipSpaces()
        while pos < chars.count, chars[pos] == "|" {
            pos += 1
            items.append(try parseSequence())
            skipSpaces()
        }
        return items.count == 1 ? items[0] : .alternation(items)
    }

    mutating func parseSequence() throws -> PathExpression {
        var items = [try parsePostfix()]
        skipSpaces()
        while pos < chars.count, chars[pos] == "/" {
            pos += 1
            items.append(try parsePostfix())
            skipSpaces()
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    mutating func parsePostfix() throws -> PathExpression {
        var e = try parseUnary()
        while true {
            skipSpaces()
            guard pos < chars.count else { return e }
            switch chars[pos] {
            case "*": pos += 1; e = .repetition(e, min: 0, max: nil)
            case "+": pos += 1; e = .repetition(e, min: 1, max: nil)
            case "?": pos += 1; e = .repetition(e, min: 0, max: 1)
            case "{":
                let start = pos
                pos += 1
                let lo = try parseNumber()
                var hi: Int? = lo
                skipSpaces()
                if pos < chars.count, chars[pos] == "," {
                    pos += 1
                    skipSpaces()
                    hi = (pos < chars.count && chars[pos].isNumber) ? try parseNumber() : nil
                }
                skipSpaces()
                guard pos < chars.count, chars[pos] == "}" else { throw fail("expected '}' to close the repetition") }
                pos += 1
                if let h = hi, h < lo { throw fail("repetition {\(lo),\(h)}: the maximum is below the minimum", at: start) }
                if max(lo, hi ?? 0) > PathExpression.maxRepetition {
                    throw fail("repetition counts above \(PathExpression.maxRepetition) are not supported", at: start)
                }
                e = .repetition(e, min: lo, max: hi)
            default:
                return e
            }
        }
    }

    mutating func parseNumber() throws -> Int {
        skipSpaces()
        let start = pos
        while pos < chars.count, chars[pos].isASCII, chars[pos].isNumber { pos += 1 }
        guard pos > start, let n = Int(String(chars[start..<pos])), n <= 1_000_000 else { throw fail("expected a number", at: start) }
        return n
    }

    mutating func parseUnary() throws -> PathExpression {
        skipSpaces()
        if pos < chars.count, chars[pos] == "^" {
            pos += 1
            return try parseUnary().inverted
        }
        return try parsePrimary()
    }

    mutating func parsePrimary() throws -> PathExpression {
        skipSpaces()
        guard pos < chars.count else { throw fail("expected a relation, '.', '^' or '('") }
        let c = chars[pos]
        if c == "(" {
            guard depth < PathExpression.maxNesting else {
                throw fail("parentheses nested more than \(PathExpression.maxNesting) deep")
            }
            pos += 1
            depth += 1
            defer { depth -= 1 }
            let e = try parseAlternation()
            skipSpaces()
            guard pos < chars.count, chars[pos] == ")" else { throw fail("expected ')'") }
            pos += 1
            return e
        }
        if c == "<" {
            let start = pos
            pos += 1
            while pos < chars.count, chars[pos] != ">" { pos += 1 }
            guard pos < chars.count else { throw fail("unclosed '<'", at: start) }
            let name = String(chars[(start + 1)..<pos])
            pos += 1
            if name.isEmpty { throw fail("empty relation name", at: start) }
            return .relation(name, inverse: false)
        }
        let start = pos
        while pos < chars.count, !Self.special.contains(chars[pos]), !chars[pos].isWhitespace { pos += 1 }
        guard pos > start else { throw fail("expected a relation, '.', '^' or '(' but found '\(c)'") }
        let name = String(chars[start..<pos])
        return name == "." ? .anyRelation(inverse: false) : .relation(name, inverse: false)
    }
}
