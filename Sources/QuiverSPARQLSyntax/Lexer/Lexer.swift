import QuiverParsers

/// Splits the query text into the grammar's terminals (§19.8), longest match first, skipping
/// whitespace and `#` comments. Tokens are made on demand, so a syntax error early in the text is
/// reported before a lexical one further on.
struct Lexer {
    let text: QueryText
    private var index = 0

    init(text: QueryText) {
        self.text = text
    }

    private var scalars: [Unicode.Scalar] { text.scalars }

    private func peek(_ k: Int = 0) -> Unicode.Scalar? {
        index + k < text.count ? scalars[index + k] : nil
    }

    // MARK: - Errors

    /// An error at scalar offset `at`, showing what is written there.
    func error(at offset: Int, expected: String) -> SPARQLSyntaxError {
        let position = text.position(of: offset)
        return SPARQLSyntaxError(line: position.line, column: position.column, found: excerpt(at: offset), problem: .expected(expected))
    }

    /// Up to the next whitespace, at most 30 characters, quoted.
    func excerpt(at offset: Int) -> String {
        guard offset < text.count else { return "end of input" }
        var end = offset
        while end < text.count, end - offset < 30, !Self.isWhitespace(scalars[end]) { end += 1 }
        return end == offset ? "whitespace" : "'" + text.text(offset..<end) + "'"
    }

    // MARK: - Tokens

    mutating func next() throws(SPARQLSyntaxError) -> Token {
        skipWhitespaceAndComments()
        let start = index
        guard let c = peek() else { return Token(kind: .end, start: start, end: start) }
        let kind: Token.Kind
        switch c {
        case "<":
            if let iri = scanIRIRef() {
                kind = .iriRef(iri)
            } else if peek(1) == "=" {
                index += 2
                kind = .symbol("<=")
            } else {
                index += 1
                kind = .symbol("<")
            }
        case "?", "$":
            if let name = scanVariableName(from: index + 1) {
                kind = .variable(name)
            } else if c == "?" {
                index += 1
                kind = .symbol("?")
            } else {
                throw error(at: start, expected: "a variable name after '$'")
            }
        case "\"", "'":
            kind = .string(try scanString())
        case "@":
            kind = .languageTag(try scanLanguageTag())
        case "_" where peek(1) == ":":
            kind = .blankNodeLabel(try scanBlankNodeLabel())
        case "0"..."9":
            kind = scanNumber()
        case "." where peek(1).map(Self.isDigit) == true:
            kind = scanNumber()
        case ":":
            kind = try scanPrefixedName(prefix: "")
        default:
            if RDFCharacters.isPNCharsBase(c.value) {
                kind = try scanWordOrPrefixedName()
            } else if let symbol = scanSymbol() {
                kind = .symbol(symbol)
            } else {
                throw error(at: start, expected: "a keyword, term, variable or punctuation")
            }
        }
        return Token(kind: kind, start: start, end: index)
    }

    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\t" || c == "\n" || c == "\r"
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

    private mutating func skipWhitespaceAndComments() {
        while let c = peek() {
            if Self.isWhitespace(c) {
                index += 1
            } else if c == "#" {
                while let d = peek(), d != "\n", d != "\r" { index += 1 }
            } else {
                return
            }
        }
    }

    private mutating func scanSymbol() -> String? {
        guard let c = peek() else { return nil }
        let two: String? = peek(1).map { String(c) + String($0) }
        if let two, ["^^", "||", "&&", "!=", ">=", "<="].contains(two) {
            index += 2
            return two
        }
        switch c {
        case "{", "}", "(", ")", "[", "]", ".", ",", ";", "*", "+", "-", "/", "!", "^", "|", "=", "<", ">":
            index += 1
            return String(c)
        default:
            return nil
        }
    }

    /// IRIREF, or `nil` (nothing consumed) when `<` does not start one: then it is `<` or `<=`.
    private mutating func scanIRIRef() -> String? {
        var j = index + 1
        var out = String.UnicodeScalarView()
        while j < text.count {
            let c = scalars[j]
            if c == ">" {
                index = j + 1
                return String(out)
            }
            if RDFCharacters.isForbiddenInIRI(c.value) { return nil }
            out.append(c)
            j += 1
        }
        return nil
    }

    /// VARNAME after `?`/`$` at `from`, consuming it; `nil` when there is none.
    private mutating func scanVariableName(from: Int) -> String? {
        var j = from
        func isFirst(_ c: Unicode.Scalar) -> Bool { RDFCharacters.isPNCharsU(c.value) || Self.isDigit(c) }
        func isRest(_ c: Unicode.Scalar) -> Bool {
            isFirst(c) || c.value == 0xB7 || (0x300...0x36F).contains(c.value) || (0x203F...0x2040).contains(c.value)
        }
        guard j < text.count, isFirst(scalars[j]) else { return nil }
        j += 1
        while j < text.count, isRest(scalars[j]) { j += 1 }
        let name = text.text(from..<j)
        index = j
        return name
    }

    private mutating func scanString() throws(SPARQLSyntaxError) -> String {
        let start = index
        guard let quote = peek() else { throw error(at: start, expected: "a string") }
        let isLong = peek(1) == quote && peek(2) == quote
        index += isLong ? 3 : 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek() else {
                throw error(at: start, expected: "a string closed by \(isLong ? String(repeating: String(quote), count: 3) : String(quote)) before the end of input")
            }
            if c == quote {
                if !isLong {
                    index += 1
                    return String(out)
                }
                if peek(1) == quote, peek(2) == quote {
                    // A long string may end with one or two quotes of its own: `"""a""""` is `a"`.
                    var extra = 0
                    while peek(3 + extra) == quote, extra < 2 { extra += 1 }
                    for _ in 0..<extra { out.append(quote) }
                    index += 3 + extra
                    return String(out)
                }
                out.append(c)
                index += 1
            } else if c == "\\" {
                guard let e = peek(1), let value = Self.stringEscape(e) else {
                    throw error(at: index, expected: "a string escape (\\t \\b \\n \\r \\f \\\" \\' \\\\)")
                }
                out.append(value)
                index += 2
            } else if !isLong && (c == "\n" || c == "\r") {
                throw error(at: start, expected: "a string closed by \(quote) on its line (use \"\"\" for several lines)")
            } else {
                out.append(c)
                index += 1
            }
        }
    }

    private static func stringEscape(_ e: Unicode.Scalar) -> Unicode.Scalar? {
        switch e {
        case "t": "\t"
        case "b": "\u{8}"
        case "n": "\n"
        case "r": "\r"
        case "f": "\u{C}"
        case "\"", "'", "\\": e
        default: nil
        }
    }

    /// LANGTAG: `@[a-zA-Z]+ ('-' [a-zA-Z0-9]+)*`
    private mutating func scanLanguageTag() throws(SPARQLSyntaxError) -> String {
        let start = index
        var j = index + 1
        func isLetter(_ c: Unicode.Scalar) -> Bool { (c.value | 0x20) >= 0x61 && (c.value | 0x20) <= 0x7A }
        while j < text.count, isLetter(scalars[j]) { j += 1 }
        guard j > index + 1 else { throw error(at: start, expected: "a language tag after '@'") }
        while j + 1 < text.count, scalars[j] == "-", isLetter(scalars[j + 1]) || Self.isDigit(scalars[j + 1]) {
            j += 1
            while j < text.count, isLetter(scalars[j]) || Self.isDigit(scalars[j]) { j += 1 }
        }
        index = j
        return text.text((start + 1)..<j)
    }

    /// BLANK_NODE_LABEL: `_:` (PN_CHARS_U | digit) ((PN_CHARS | '.')* PN_CHARS)?
    private mutating func scanBlankNodeLabel() throws(SPARQLSyntaxError) -> String {
        let start = index
        var j = index + 2
        guard j < text.count, RDFCharacters.isPNCharsU(scalars[j].value) || Self.isDigit(scalars[j]) else {
            throw error(at: start, expected: "a blank node label after '_:'")
        }
        j += 1
        var lastGood = j
        while j < text.count, RDFCharacters.isPNChars(scalars[j].value) || scalars[j] == "." {
            j += 1
            if scalars[j - 1] != "." { lastGood = j }
        }
        index = lastGood
        return text.text((start + 2)..<lastGood)
    }

    /// INTEGER, DECIMAL or DOUBLE (unsigned: the parser joins a sign written right before a number).
    private mutating func scanNumber() -> Token.Kind {
        let start = index
        var j = index
        while j < text.count, Self.isDigit(scalars[j]) { j += 1 }
        var isDecimal = false
        if j < text.count, scalars[j] == ".", j + 1 < text.count, Self.isDigit(scalars[j + 1]) {
            isDecimal = true
            j += 1
            while j < text.count, Self.isDigit(scalars[j]) { j += 1 }
        } else if j > start, j < text.count, scalars[j] == ".", exponentLength(at: j + 1) > 0 {
            // `1.e5` is a DOUBLE; a lone `1.` is an INTEGER and a '.'.
            j += 1
        }
        let e = exponentLength(at: j)
        if e > 0 {
            index = j + e
            return .double(text.text(start..<index))
        }
        index = j
        return isDecimal ? .decimal(text.text(start..<j)) : .integer(text.text(start..<j))
    }

    /// The length of EXPONENT (`[eE][+-]?[0-9]+`) at `j`, or 0.
    private func exponentLength(at j: Int) -> Int {
        guard j < text.count, scalars[j] == "e" || scalars[j] == "E" else { return 0 }
        var k = j + 1
        if k < text.count, scalars[k] == "+" || scalars[k] == "-" { k += 1 }
        let digits = k
        while k < text.count, Self.isDigit(scalars[k]) { k += 1 }
        return k > digits ? k - j : 0
    }

    /// A keyword (`[A-Za-z][A-Za-z0-9_]*`) or, when a ':' follows the PN_PREFIX, a prefixed name.
    private mutating func scanWordOrPrefixedName() throws(SPARQLSyntaxError) -> Token.Kind {
        let start = index
        var j = index + 1
        var lastGood = j
        while j < text.count, RDFCharacters.isPNChars(scalars[j].value) || scalars[j] == "." {
            j += 1
            if scalars[j - 1] != "." { lastGood = j }
        }
        if lastGood < text.count, scalars[lastGood] == ":" {
            index = lastGood
            return try scanPrefixedName(prefix: text.text(start..<lastGood))
        }
        func isWordCharacter(_ c: Unicode.Scalar) -> Bool { c.isASCII && (RDFCharacters.isPNCharsU(c.value) || Self.isDigit(c)) }
        j = index
        while j < text.count, isWordCharacter(scalars[j]) { j += 1 }
        guard j > index else { throw error(at: start, expected: "a keyword, or a prefixed name with its ':'") }
        index = j
        return .word(upper: text.text(start..<j).uppercased())
    }

    /// PNAME_NS / PNAME_LN, `index` at the ':' after `prefix`.
    private mutating func scanPrefixedName(prefix: String) throws(SPARQLSyntaxError) -> Token.Kind {
        index += 1
        var local = String.UnicodeScalarView()
        var committedLocal = local
        var committedIndex = index
        var first = true
        while let c = peek() {
            let ok: Bool
            if c == "%" {
                guard let h1 = peek(1), let h2 = peek(2), QueryText.hexValue(h1) != nil, QueryText.hexValue(h2) != nil else {
                    throw error(at: index, expected: "two hexadecimal digits after '%' in a local name")
                }
                local.append(contentsOf: [c, h1, h2])
                index += 3
                ok = true
            } else if c == "\\" {
                guard let e = peek(1), "_~.-!$&'()*+,;=/?#@%".unicodeScalars.contains(e) else {
                    throw error(at: index, expected: "a local name escape (one of \\_ \\~ \\. \\- \\! \\$ \\& \\' \\( \\) \\* \\+ \\, \\; \\= \\/ \\? \\# \\@ \\%)")
                }
                local.append(e)
                index += 2
                ok = true
            } else if RDFCharacters.isPNCharsU(c.value) || c == ":" || Self.isDigit(c) || (!first && (RDFCharacters.isPNChars(c.value) || c == ".")) {
                local.append(c)
                index += 1
                ok = c != "."
            } else {
                break
            }
            first = false
            if ok {
                committedLocal = local
                committedIndex = index
            }
        }
        // A local name never ends with '.': trailing dots end the triple instead.
        index = committedIndex
        return .prefixedName(prefix: prefix, local: String(committedLocal))
    }
}
