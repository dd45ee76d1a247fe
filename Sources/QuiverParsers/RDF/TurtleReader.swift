import QuiverCore

/// A streaming Turtle 1.1 parser (W3C RDF 1.1 Turtle).
///
/// Reads the source in chunks and parses one statement at a time; only the current chunk, the
/// lookahead a token needs, and the triples of the statement being emitted are held in memory.
///
/// ```swift
/// let doc = "@prefix ex: <http://example.org/> .\nex:a ex:knows ex:b, [ ex:name \"Bo\"@en ] ."
/// var reader = TurtleReader(source: MemoryByteSource(doc), fileName: "people.ttl")
/// var batch: [Triple] = []
/// _ = try reader.readBatch(into: &batch, maxCount: 100)   // 3 triples
/// ```
///
/// - Relative IRIs are resolved (RFC 3986 section 5) against the current base: `baseIRI`, then each
///   `@base`/`BASE` in turn. A relative IRI with no base set is a `ParseError`. Absolute IRIs are kept
///   exactly as written. A `\u`/`\U` escape in an IRI may not stand for a character IRIs forbid
///   (a space, a control character, `<>"{}|^` backquote, backslash).
/// - Blank nodes: document labels are kept as written, except that a label starting with `genid` is
///   written as `genidx` + label; nodes the parser makes (`[]`, `[ ... ]`, collections) are labelled
///   `genid` + a decimal number. The two sets can never meet, and every label is a valid N-Triples
///   BLANK_NODE_LABEL.
/// - Triples come out in document order; for `s p [ q o ]` and `s p ( ... )` the triple linking `s`
///   comes before the triples inside the brackets.
/// - Line numbers count LF; columns count Unicode scalars, both from 1. A leading byte order mark
///   is skipped. Invalid UTF-8 is a `ParseError` at the offending byte.
/// - `[ ]` and `( )` may nest at most 200 deep, so hostile input cannot exhaust the stack.
public struct TurtleReader<Source: ByteSource>: TripleReader {
    private var parser: TurtleParser

    /// - Parameters:
    ///   - source: where the bytes come from.
    ///   - fileName: the name used in `ParseError`s.
    ///   - baseIRI: the base IRI for relative references until the document sets its own.
    public init(source: Source, fileName: String, baseIRI: String? = nil) {
        parser = TurtleParser(source: source, fileName: fileName, baseIRI: baseIRI, chunkSize: 256 * 1024)
    }

    /// As `init(source:fileName:baseIRI:)`, reading `chunkSize` bytes at a time (tests use tiny chunks).
    init(source: Source, fileName: String, baseIRI: String?, chunkSize: Int) {
        parser = TurtleParser(source: source, fileName: fileName, baseIRI: baseIRI, chunkSize: chunkSize)
    }

    public mutating func readBatch(into batch: inout [Triple], maxCount: Int) throws -> Bool {
        try parser.readBatch(into: &batch, maxCount: maxCount, namedGraphs: false) { triple, _ in triple }
    }
}

/// The Turtle grammar, and TriG's (Turtle plus graph blocks), not generic over the source (see
/// `TurtleInput`).
struct TurtleParser {
    enum Dialect {
        case turtle
        /// Turtle statements at the top level go to the default graph; `{ ... }`, `name { ... }` and
        /// `GRAPH name { ... }` hold the statements of a graph.
        case trig
    }

    private let dialect: Dialect
    private var input: TurtleInput
    private let fileName: String
    private var base: String?
    private var prefixes: [ExactName: String] = [:]  // prefix labels are exact bytes
    /// The triples of the statement being emitted; they all belong to `pendingGraph`.
    private var pending: [Triple] = []
    private var pendingIndex = 0
    private var pendingGraph: Term?
    /// TriG: where the graph block around the cursor opened (`nil` outside one), and its name
    /// (`nil` for the default graph).
    private var graphBlock: TurtlePosition?
    private var currentGraph: Term?
    /// Whether a named graph may open; a TriG document read as triples may only use the default graph.
    private var namedGraphsAllowed = true
    private var nextGeneratedID = 1
    private var finished = false
    private var startedStatements = false
    /// Open `[` and `(` around the cursor; bounded so that hostile input cannot exhaust the stack.
    private var nesting = 0
    static let maxNesting = 200
    private var scratch: [UInt8] = []

    init(source: any ByteSource, fileName: String, baseIRI: String?, chunkSize: Int, dialect: Dialect = .turtle) {
        self.input = TurtleInput(source: source, chunkSize: chunkSize)
        self.fileName = fileName
        self.base = baseIRI
        self.dialect = dialect
    }

    /// Appends up to `maxCount` statements, each made by `make` from a triple and its graph name.
    /// Without `namedGraphs`, opening a named graph is a `ParseError` at its name.
    mutating func readBatch<Element>(
        into batch: inout [Element], maxCount: Int, namedGraphs: Bool, _ make: (Triple, Term?) -> Element
    ) throws -> Bool {
        namedGraphsAllowed = namedGraphs
        var appended = 0
        while appended < maxCount {
            if pendingIndex < pending.count {
                let n = min(maxCount - appended, pending.count - pendingIndex)
                for t in pending[pendingIndex..<(pendingIndex + n)] { batch.append(make(t, pendingGraph)) }
                pendingIndex += n
                appended += n
                continue
            }
            guard !finished else { break }
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            pendingGraph = currentGraph
            do {
                let more = switch dialect {
                case .turtle: try parseStatement()
                case .trig: try parseTriGStatement()
                }
                if !more { finished = true }
            } catch {
                finished = true
                pending.removeAll()
                throw error
            }
        }
        return appended > 0
    }

    // MARK: - Errors

    private mutating func failure(_ expected: String, at position: TurtlePosition? = nil, found: String? = nil) -> ParseError {
        let where_ = position ?? input.position
        return ParseError(file: fileName, line: where_.line, column: where_.column,
                          found: found ?? input.excerpt(), expected: expected)
    }

    /// `input.peekScalar(k)`, with malformed UTF-8 reported as a `ParseError` at the bad byte.
    private mutating func scalar(_ k: Int = 0) throws -> (UInt32, Int)? {
        do {
            return try input.peekScalar(k)
        } catch TurtleInputIssue.invalidUTF8(let offset) {
            var column = input.column
            for j in 0..<offset where (try input.peek(j) ?? 0) & 0xC0 != 0x80 { column += 1 }
            let bad = try input.peek(offset) ?? 0
            throw ParseError(file: fileName, line: input.line, column: column,
                             found: "invalid UTF-8 byte 0x" + String(bad, radix: 16, uppercase: true),
                             expected: "valid UTF-8")
        }
    }

    /// Enters a `[` or `(`; the caller leaves with `nesting -= 1`.
    private mutating func enterNesting() throws {
        guard nesting < Self.maxNesting else {
            throw failure("at most \(Self.maxNesting) nested blank nodes and collections")
        }
        nesting += 1
    }

    // MARK: - Whitespace

    /// Skips whitespace and comments (a comment runs to the next CR or LF).
    private mutating func skipSpace() throws {
        while let b = try input.peek() {
            switch b {
            case 0x20, 0x09, 0x0A, 0x0D:
                input.advance()
            case 0x23:
                input.advance()
                while let c = try input.peek(), c != 0x0A, c != 0x0D {
                    if c < 0x80 { input.advance() } else if let (_, n) = try scalar() { input.advance(n) }
                }
            default:
                return
            }
        }
    }

    // MARK: - Statements

    /// Parses one directive or triples statement. Returns `false` at end of input.
    private mutating func parseStatement() throws -> Bool {
        try startStatement()
        guard try input.peek() != nil else { return false }
        if try directive() { return true }
        try triples()
        return true
    }

    /// Skips a leading byte order mark (first call only), then whitespace and comments.
    private mutating func startStatement() throws {
        if !startedStatements {
            startedStatements = true
            try input.skipByteOrderMark()
        }
        try skipSpace()
    }

    /// Parses the `@prefix`, `@base`, `PREFIX` or `BASE` directive at the cursor; `false` when there is none.
    private mutating func directive() throws -> Bool {
        guard let b = try input.peek() else { return false }
        if b == 0x40 {
            try atDirective()
            return true
        }
        guard RDFCharacters.isLetter(b) else { return false }
        if try keywordAhead("prefix") {
            input.advance(6)
            try prefixDirective()
            return true
        }
        if try keywordAhead("base") {
            input.advance(4)
            try baseDirective()
            return true
        }
        return false
    }

    /// One TriG statement: a directive, the opening or the closing of a graph block, or one triples
    /// statement (at the top level, in the default graph; or inside a block, in its graph).
    /// Returns `false` at end of input.
    private mutating func parseTriGStatement() throws -> Bool {
        try startStatement()
        if let open = graphBlock {
            guard let b = try input.peek() else {
                throw failure("'}' to close the graph opened at \(open.line):\(open.column)")
            }
            if b == 0x7D {
                input.advance()
                graphBlock = nil
                currentGraph = nil
                return true
            }
            if try b == 0x40 || (RDFCharacters.isLetter(b) && (keywordAhead("prefix") || keywordAhead("base"))) {
                throw failure("triples or '}' (directives cannot be inside a graph)")
            }
            _ = try triplesOrGraphName(graphNameAllowed: false)
            // TriG's triplesBlock: triples separated by '.', the last '.' optional before '}'.
            try skipSpace()
            switch try input.peek() {
            case 0x2E: input.advance()
            case 0x7D: break
            case nil: throw failure("'}' to close the graph opened at \(open.line):\(open.column)")
            default: throw failure("'.' or '}' after the triples")
            }
            return true
        }
        guard let b = try input.peek() else { return false }
        if try directive() { return true }
        if try RDFCharacters.isLetter(b) && keywordAhead("graph") {
            let start = input.position
            input.advance(5)
            try skipSpace()
            let (name, text) = try graphName()
            try skipSpace()
            guard try input.peek() == 0x7B else { throw failure("'{' to open the graph") }
            try openGraph(name, at: start, text: text)
            return true
        }
        if b == 0x7B {
            try openGraph(nil, at: input.position, text: "")
            return true
        }
        if let (name, at, text) = try triplesOrGraphName(graphNameAllowed: true) {
            try openGraph(name, at: at, text: text)
            return true
        }
        try skipSpace()
        guard try input.peek() == 0x2E else { throw failure("'.' to end the triples") }
        input.advance()
        return true
    }

    /// Reads the '{' at the cursor and makes `name` the graph of what follows, up to the '}'.
    private mutating func openGraph(_ name: Term?, at start: TurtlePosition, text: String) throws {
        if name != nil && !namedGraphsAllowed {
            throw failure(ErrorText.defaultGraphOnly, at: start, found: "the graph name " + text)
        }
        graphBlock = input.position
        input.advance()  // '{'
        currentGraph = name
    }

    /// TriG's labelOrSubject after `GRAPH`: an IRI, a blank node label or `[]`; and how it was written.
    private mutating func graphName() throws -> (Term, String) {
        let start = input.position
        switch try input.peek() {
        case 0x3C:
            let iri = Term.iri(try iriRef())
            return (iri, Self.written(iri))
        case 0x5F where try input.peek(1) == 0x3A:
            let label = try blankLabel()
            return (label, Self.written(label))
        case 0x5B:
            input.advance()
            try skipSpace()
            guard try input.peek() == 0x5D else { throw failure("']' (a graph name is an IRI or a blank node)") }
            input.advance()
            return (generatedBlank(), "'[]'")
        case let b? where startsName(b):
            switch try prefixedNameOrKeyword() {
            case .iri(let iri): return (.iri(iri), Self.written(.iri(iri)))
            case .keyword(let word): throw failure("graph name (IRI or blank node)", at: start, found: "'\(word)'")
            }
        default:
            throw failure("graph name (IRI or blank node)")
        }
    }

    /// A graph name for error messages: an IRI in brackets, a blank node label as the document wrote it.
    private static func written(_ name: Term) -> String {
        guard case .blank(let label) = name else { return "'<\(name.value)>'" }
        // `blankLabel` wrote a document's `genid…` as `genidx` + `genid…`.
        return "'_:" + (label.hasPrefix("genidx") ? label.dropFirst(6) : label[...]) + "'"
    }

    /// Whether the next bytes are `word` (case-insensitively) not followed by a name character.
    private mutating func keywordAhead(_ word: String) throws -> Bool {
        let bytes = Array(word.utf8)
        for (k, w) in bytes.enumerated() {
            guard let b = try input.peek(k), b | 0x20 == w else { return false }
        }
        guard let next = try input.peek(bytes.count) else { return true }
        return !(isNameByte(next))
    }

    private func isNameByte(_ b: UInt8) -> Bool {
        RDFCharacters.isLetter(b) || RDFCharacters.isDigit(b) || b == 0x5F || b == 0x2D || b == 0x2E
            || b == 0x3A || b >= 0x80 || b == 0x25 || b == 0x5C
    }

    private mutating func atDirective() throws {
        let start = input.position
        input.advance()  // '@'
        var word: [UInt8] = []
        while let b = try input.peek(), RDFCharacters.isLetter(b) {
            word.append(b)
            input.advance()
        }
        switch String(decoding: word, as: UTF8.self) {
        case "prefix": try prefixDirective()
        case "base": try baseDirective()
        default:
            throw failure("'@prefix' or '@base'", at: start, found: "'@" + String(decoding: word, as: UTF8.self) + "'")
        }
        try skipSpace()
        guard try input.peek() == 0x2E else { throw failure("'.' to end the directive") }
        input.advance()
    }

    /// `prefix: <iri>` after `@prefix` or `PREFIX`.
    private mutating func prefixDirective() throws {
        try skipSpace()
        let start = input.position
        let prefix = try prefixLabel()
        guard try input.peek() == 0x3A else {
            throw failure("prefix name followed by ':'", at: start, found: nil)
        }
        input.advance()
        try skipSpace()
        guard try input.peek() == 0x3C else { throw failure("IRI in angle brackets") }
        prefixes[ExactName(prefix)] = try iriRef()
    }

    /// `<iri>` after `@base` or `BASE`.
    private mutating func baseDirective() throws {
        try skipSpace()
        guard try input.peek() == 0x3C else { throw failure("IRI in angle brackets") }
        base = try iriRef()
    }

    /// `subject predicateObjectList .` or `[ ... ] predicateObjectList? .`
    private mutating func triples() throws {
        _ = try triplesOrGraphName(graphNameAllowed: false)
        try skipSpace()
        guard try input.peek() == 0x2E else { throw failure("'.' to end the triples") }
        input.advance()
    }

    /// `subject predicateObjectList` or `[ ... ] predicateObjectList?`, without the final '.'. With
    /// `graphNameAllowed` (TriG's top level), a subject that can name a graph (an IRI or a blank
    /// node, `[]` included) followed by '{' is returned with its position instead, the '{' not read.
    private mutating func triplesOrGraphName(graphNameAllowed: Bool) throws -> (name: Term, at: TurtlePosition, text: String)? {
        guard let b = try input.peek() else { return nil }
        let start = input.position
        if b == 0x5B {
            input.advance()
            try skipSpace()
            let node = generatedBlank()
            if try input.peek() == 0x5D {
                input.advance()
                try skipSpace()
                if graphNameAllowed, try input.peek() == 0x7B { return (node, start, "'[]'") }
                try predicateObjectList(subject: node)
            } else {
                try predicateObjectList(subject: node)
                try skipSpace()
                guard try input.peek() == 0x5D else { throw failure("']' to close the blank node opened at \(start.line):\(start.column)") }
                input.advance()
                try skipSpace()
                // `[ ... ] .`, or in a TriG block `[ ... ] }`: no predicates follow.
                if try input.peek() != 0x2E && !(dialect == .trig && graphBlock != nil && input.peek() == 0x7D) {
                    try predicateObjectList(subject: node)
                }
            }
        } else {
            let subject = try self.subject()
            try skipSpace()
            if graphNameAllowed, b != 0x28, try input.peek() == 0x7B {
                return (subject, start, Self.written(subject))
            }
            try predicateObjectList(subject: subject)
        }
        return nil
    }

    private mutating func subject() throws -> Term {
        let start = input.position
        switch try input.peek() {
        case 0x3C:
            return .iri(try iriRef())
        case 0x5F where try input.peek(1) == 0x3A:
            return try blankLabel()
        case 0x28:
            return try collection()
        case let b? where startsName(b):
            switch try prefixedNameOrKeyword() {
            case .iri(let iri): return .iri(iri)
            case .keyword(let word):
                throw failure("subject (IRI, blank node or collection)", at: start, found: "'\(word)'")
            }
        default:
            throw failure("subject (IRI, blank node or collection)")
        }
    }

    /// Whether `b` can start a prefixed name (or `a`/`true`/`false`).
    private func startsName(_ b: UInt8) -> Bool {
        RDFCharacters.isLetter(b) || b == 0x3A || b >= 0x80
    }

    /// `verb objectList (';' (verb objectList)?)*`
    private mutating func predicateObjectList(subject: Term) throws {
        while true {
            let predicate = try verb()
            try skipSpace()
            try objectList(subject: subject, predicate: predicate)
            try skipSpace()
            guard try input.peek() == 0x3B else { return }
            while try input.peek() == 0x3B {
                input.advance()
                try skipSpace()
            }
            switch try input.peek() {
            case nil, 0x2E, 0x5D: return
            case 0x7D where dialect == .trig: return  // '}' ends a graph block's last triples
            default: continue
            }
        }
    }

    private mutating func verb() throws -> Term {
        let start = input.position
        switch try input.peek() {
        case 0x3C:
            return .iri(try iriRef())
        case let b? where startsName(b):
            switch try prefixedNameOrKeyword() {
            case .iri(let iri): return .iri(iri)
            case .keyword("a"): return .iri(RDFVocabulary.type)
            case .keyword(let word):
                throw failure("predicate (IRI, prefixed name or 'a')", at: start, found: "'\(word)'")
            }
        default:
            throw failure("predicate (IRI, prefixed name or 'a')")
        }
    }

    private mutating func objectList(subject: Term, predicate: Term) throws {
        try object(subject: subject, predicate: predicate)
        try skipSpace()
        while try input.peek() == 0x2C {
            input.advance()
            try skipSpace()
            try object(subject: subject, predicate: predicate)
            try skipSpace()
        }
    }

    /// Parses one object and emits `subject predicate object` before any triples nested in it.
    private mutating func object(subject: Term, predicate: Term) throws {
        let start = input.position
        switch try input.peek() {
        case 0x3C:
            emit(subject, predicate, .iri(try iriRef()))
        case 0x5F where try input.peek(1) == 0x3A:
            emit(subject, predicate, try blankLabel())
        case 0x5B:
            try enterNesting()
            defer { nesting -= 1 }
            let open = input.position
            input.advance()
            try skipSpace()
            let node = generatedBlank()
            emit(subject, predicate, node)
            if try input.peek() != 0x5D {
                try predicateObjectList(subject: node)
                try skipSpace()
            }
            guard try input.peek() == 0x5D else { throw failure("']' to close the blank node opened at \(open.line):\(open.column)") }
            input.advance()
        case 0x28:
            try collection(subject: subject, predicate: predicate)
        case 0x22, 0x27:
            emit(subject, predicate, try rdfLiteral())
        case let b? where RDFCharacters.isDigit(b) || b == 0x2B || b == 0x2D:
            emit(subject, predicate, try numericLiteral())
        case 0x2E where (try input.peek(1)).map(RDFCharacters.isDigit) ?? false:
            emit(subject, predicate, try numericLiteral())
        case let b? where startsName(b):
            switch try prefixedNameOrKeyword() {
            case .iri(let iri): emit(subject, predicate, .iri(iri))
            case .keyword(let word) where word == "true" || word == "false":
                emit(subject, predicate, .literal(word, datatype: RDFVocabulary.boolean, language: nil))
            case .keyword(let word):
                throw failure("object (IRI, blank node, collection or literal)", at: start, found: "'\(word)'")
            }
        default:
            throw failure("object (IRI, blank node, collection or literal)")
        }
    }

    @inline(__always)
    private mutating func emit(_ s: Term, _ p: Term, _ o: Term) {
        pending.append(Triple(s, p, o))
    }

    private mutating func generatedBlank() -> Term {
        defer { nextGeneratedID += 1 }
        return .blank("genid\(nextGeneratedID)")
    }

    /// A collection used as a subject: emits its list triples and returns its head.
    private mutating func collection() throws -> Term {
        let head = generatedBlank()
        let isEmpty = try collectionItems(head: head)
        if isEmpty {
            nextGeneratedID -= 1
            return .iri(RDFVocabulary.nil_)
        }
        return head
    }

    /// A collection used as an object: emits `subject predicate head` and then the list triples.
    private mutating func collection(subject: Term, predicate: Term) throws {
        let head = generatedBlank()
        let linkIndex = pending.count
        emit(subject, predicate, head)
        if try collectionItems(head: head) {
            pending[linkIndex].object = .iri(RDFVocabulary.nil_)
            nextGeneratedID -= 1
        }
    }

    /// Parses `( item* )`, chaining items from `head`. Returns whether the collection was empty (then
    /// nothing was emitted and `head` is unused).
    private mutating func collectionItems(head: Term) throws -> Bool {
        try enterNesting()
        defer { nesting -= 1 }
        let open = input.position
        input.advance()  // '('
        try skipSpace()
        var node = head
        var first = true
        while true {
            switch try input.peek() {
            case 0x29:
                input.advance()
                if first { return true }
                emit(node, .iri(RDFVocabulary.rest), .iri(RDFVocabulary.nil_))
                return false
            case nil:
                throw failure("')' to close the collection opened at \(open.line):\(open.column)")
            default:
                if !first {
                    let next = generatedBlank()
                    emit(node, .iri(RDFVocabulary.rest), next)
                    node = next
                }
                first = false
                try object(subject: node, predicate: .iri(RDFVocabulary.first))
                try skipSpace()
            }
        }
    }

    // MARK: - Terms

    /// IRIREF at `<`: unescaped, checked, and resolved against the base.
    private mutating func iriRef() throws -> String {
        let start = input.position
        input.advance()  // '<'
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard let b = try input.peek() else { throw failure("'>' to end the IRI") }
            if b == 0x3E {
                input.advance()
                break
            }
            if b == 0x5C {
                guard let e = try input.peek(1), e == 0x75 || e == 0x55 else {
                    throw failure("\\u or \\U escape in IRI")
                }
                let at = input.position
                var written: [UInt8] = []
                for k in 0..<(e == 0x75 ? 6 : 10) { written.append(try input.peek(k) ?? 0) }
                let scalar = try uchar()
                if RDFCharacters.isForbiddenInIRI(scalar) {
                    throw failure(ErrorText.escapeAllowedInIRI, at: at, found: RDFCharacters.quoted(written))
                }
                RDFCharacters.appendUTF8(scalar, to: &scratch)
                continue
            }
            if b < 0x80 {
                if RDFCharacters.isForbiddenInIRI(UInt32(b)) { throw failure("IRI character or '>'") }
                scratch.append(b)
                input.advance()
            } else if let (_, n) = try scalar() {
                for k in 0..<n { scratch.append(try input.peek(k) ?? 0) }
                input.advance(n)
            }
        }
        let text = String(decoding: scratch, as: UTF8.self)
        return try resolved(text, at: start)
    }

    private mutating func resolved(_ iri: String, at start: TurtlePosition) throws -> String {
        if IRIResolver.isAbsolute(iri) { return iri }
        guard let base else {
            throw failure("absolute IRI (no base IRI is set)", at: start, found: "'<\(iri)>'")
        }
        return IRIResolver.resolve(iri, against: base)
    }

    /// A `\uXXXX` or `\UXXXXXXXX` escape at the cursor; consumes it.
    private mutating func uchar() throws -> UInt32 {
        let digits = try input.peek(1) == 0x75 ? 4 : 8
        var value: UInt32 = 0
        for k in 0..<digits {
            guard let b = try input.peek(2 + k), let h = hexDigitValue(b) else {
                throw failure("\(digits) hexadecimal digits after \\\(digits == 4 ? "u" : "U")")
            }
            value = value << 4 | h
        }
        guard RDFCharacters.isValidScalar(value) else {
            throw failure("an escape of a Unicode scalar value (not a surrogate, at most U+10FFFF)")
        }
        if value == 0 { throw failure(ErrorText.noNUL, found: "an escaped NUL byte") }
        input.advance(2 + digits)
        return value
    }

    /// `_:label`, renamed if it could clash with generated labels.
    private mutating func blankLabel() throws -> Term {
        input.advance(2)  // '_:'
        var label: [UInt8] = []
        guard let (c0, n0) = try scalar(), RDFCharacters.isPNCharsU(c0) || (c0 >= 0x30 && c0 <= 0x39) else {
            throw failure("blank node label")
        }
        try take(n0, into: &label)
        try nameTail(into: &label, allowColon: false, allowEscapes: false)
        let text = String(decoding: label, as: UTF8.self)
        return .blank(text.hasPrefix("genid") ? "genidx" + text : text)
    }

    /// Moves `n` bytes from the input to `out`.
    private mutating func take(_ n: Int, into out: inout [UInt8]) throws {
        for k in 0..<n { out.append(try input.peek(k) ?? 0) }
        input.advance(n)
    }

    /// The rest of a name after its first character: `(PN_CHARS | '.' | extras)*` not ending in '.'.
    /// With `allowColon`/`allowEscapes` this is PN_LOCAL's tail (`:`, `%xx`, `\x`).
    private mutating func nameTail(into out: inout [UInt8], allowColon: Bool, allowEscapes: Bool) throws {
        while true {
            guard let (c, n) = try scalar() else { return }
            if c == 0x2E {
                // Dots belong to the name only when a name character follows them.
                var k = 1
                while try input.peek(k) == 0x2E { k += 1 }
                guard let (after, _) = try scalar(k),
                      RDFCharacters.isPNChars(after) || (allowColon && after == 0x3A)
                        || (allowEscapes && (after == 0x25 || after == 0x5C))
                else { return }
                for _ in 0..<k { out.append(0x2E) }
                input.advance(k)
                continue
            }
            if RDFCharacters.isPNChars(c) || (allowColon && c == 0x3A) {
                try take(n, into: &out)
            } else if allowEscapes && (c == 0x25 || c == 0x5C) {
                try localEscape(into: &out)
            } else {
                return
            }
        }
    }

    /// PLX at the cursor: `%` HEX HEX (kept as written) or `\` and a PN_LOCAL_ESC character (unescaped).
    private mutating func localEscape(into out: inout [UInt8]) throws {
        if try input.peek() == 0x25 {
            guard let h1 = try input.peek(1), hexDigitValue(h1) != nil,
                  let h2 = try input.peek(2), hexDigitValue(h2) != nil
            else { throw failure("two hexadecimal digits after '%'") }
            out.append(contentsOf: [0x25, h1, h2])
            input.advance(3)
        } else {
            guard let e = try input.peek(1), Self.localEscapable(e) else {
                throw failure("escaped character (one of _~.-!$&'()*+,;=/?#@%)")
            }
            out.append(e)
            input.advance(2)
        }
    }

    private static func localEscapable(_ b: UInt8) -> Bool {
        switch b {
        case 0x5F, 0x7E, 0x2E, 0x2D, 0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3B, 0x3D,
             0x2F, 0x3F, 0x23, 0x40, 0x25: true
        default: false
        }
    }

    /// PN_PREFIX (possibly empty) at the cursor; stops before the ':'.
    private mutating func prefixLabel() throws -> String {
        var out: [UInt8] = []
        if let (c, n) = try scalar(), RDFCharacters.isPNCharsBase(c) {
            try take(n, into: &out)
            try nameTail(into: &out, allowColon: false, allowEscapes: false)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private enum NameToken {
        case iri(String)
        case keyword(String)
    }

    /// PNAME_LN / PNAME_NS expanded to an IRI, or a bare word (`a`, `true`, `false`, ...).
    private mutating func prefixedNameOrKeyword() throws -> NameToken {
        let start = input.position
        let prefix = try prefixLabel()
        guard try input.peek() == 0x3A else {
            if !prefix.isEmpty { return .keyword(prefix) }
            throw failure("IRI or prefixed name")
        }
        input.advance()
        guard let namespace = prefixes[ExactName(prefix)] else {
            throw failure("a declared prefix", at: start, found: "'\(prefix):'")
        }
        var local: [UInt8] = []
        if let (c, n) = try scalar() {
            if RDFCharacters.isPNCharsU(c) || c == 0x3A || (c >= 0x30 && c <= 0x39) {
                try take(n, into: &local)
                try nameTail(into: &local, allowColon: true, allowEscapes: true)
            } else if c == 0x25 || c == 0x5C {
                try localEscape(into: &local)
                try nameTail(into: &local, allowColon: true, allowEscapes: true)
            }
        }
        return .iri(namespace + String(decoding: local, as: UTF8.self))
    }

    /// A string with an optional language tag or datatype.
    private mutating func rdfLiteral() throws -> Term {
        let lexical = try stringLiteral()
        try skipSpace()
        switch try input.peek() {
        case 0x40:
            let at = input.position
            input.advance()
            var tag: [UInt8] = []
            while let b = try input.peek(), RDFCharacters.isLetter(b) {
                tag.append(b)
                input.advance()
            }
            guard !tag.isEmpty else { throw failure("language tag", at: at) }
            while try input.peek() == 0x2D {
                let dash = input.position
                tag.append(0x2D)
                input.advance()
                var count = 0
                while let b = try input.peek(), RDFCharacters.isLetter(b) || RDFCharacters.isDigit(b) {
                    tag.append(b)
                    input.advance()
                    count += 1
                }
                guard count > 0 else { throw failure("letters or digits in the language tag", at: dash) }
            }
            return .literal(lexical, datatype: nil, language: String(decoding: tag, as: UTF8.self))
        case 0x5E:
            guard try input.peek(1) == 0x5E else { throw failure("'^^' before the datatype") }
            input.advance(2)
            try skipSpace()
            let datatype: String
            switch try input.peek() {
            case 0x3C:
                datatype = try iriRef()
            case let b? where startsName(b):
                let start = input.position
                guard case .iri(let iri) = try prefixedNameOrKeyword() else {
                    throw failure("datatype IRI or prefixed name", at: start, found: nil)
                }
                datatype = iri
            default:
                throw failure("datatype IRI or prefixed name")
            }
            return .literal(lexical, datatype: RDFVocabulary.normalizedDatatype(datatype), language: nil)
        default:
            return .literal(lexical, datatype: nil, language: nil)
        }
    }

    /// Any of the four string forms at the cursor, unescaped.
    private mutating func stringLiteral() throws -> String {
        let open = input.position
        guard let quote = try input.peek() else { throw failure("string") }
        let second = try input.peek(1), third = try input.peek(2)
        let long = second == quote && third == quote
        input.advance(long ? 3 : 1)
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard let b = try input.peek() else {
                throw failure("closing \(long ? "triple " : "")quote of the string opened at \(open.line):\(open.column)")
            }
            if b == quote {
                if !long {
                    input.advance()
                    break
                }
                let second = try input.peek(1), third = try input.peek(2)
                if second == quote && third == quote {
                    input.advance(3)
                    break
                }
                scratch.append(b)
                input.advance()
            } else if b == 0x5C {
                guard let e = try input.peek(1) else { throw failure("escape sequence") }
                if e == 0x75 || e == 0x55 {
                    RDFCharacters.appendUTF8(try uchar(), to: &scratch)
                } else if let c = NTriplesLineParser.echar(e) {
                    scratch.append(c)
                    input.advance(2)
                } else {
                    throw failure("escape sequence (\\t \\b \\n \\r \\f \\\" \\' \\\\ \\u \\U)")
                }
            } else if !long && (b == 0x0A || b == 0x0D) {
                throw failure("closing quote of the string opened at \(open.line):\(open.column) (use \"\"\" for text with line breaks)")
            } else if b == 0 {
                throw failure(ErrorText.noNUL, found: TermProblem.nul.found)
            } else if b < 0x80 {
                scratch.append(b)
                input.advance()
            } else if let (_, n) = try scalar() {
                for k in 0..<n { scratch.append(try input.peek(k) ?? 0) }
                input.advance(n)
            }
        }
        return String(decoding: scratch, as: UTF8.self)
    }

    /// INTEGER, DECIMAL or DOUBLE at the cursor, lexical form as written.
    private mutating func numericLiteral() throws -> Term {
        let start = input.position
        var text: [UInt8] = []
        if let b = try input.peek(), b == 0x2B || b == 0x2D {
            text.append(b)
            input.advance()
        }
        var intDigits = 0
        while let b = try input.peek(), RDFCharacters.isDigit(b) {
            text.append(b)
            input.advance()
            intDigits += 1
        }
        var fracDigits = 0
        var hasDot = false
        if try input.peek() == 0x2E {
            // A dot is part of the number only if digits or an exponent follow it.
            let next = try input.peek(1)
            let digitFollows = next.map(RDFCharacters.isDigit) ?? false
            let exponentFollows = try intDigits > 0 && exponentAhead(at: 1)
            if digitFollows || exponentFollows {
                hasDot = true
                text.append(0x2E)
                input.advance()
                while let b = try input.peek(), RDFCharacters.isDigit(b) {
                    text.append(b)
                    input.advance()
                    fracDigits += 1
                }
            }
        }
        guard intDigits > 0 || fracDigits > 0 else {
            throw failure("number", at: start, found: nil)
        }
        if let e = try input.peek(), e == 0x65 || e == 0x45 {
            guard try exponentAhead(at: 0) else { throw failure("exponent digits") }
            text.append(e)
            input.advance()
            if let s = try input.peek(), s == 0x2B || s == 0x2D {
                text.append(s)
                input.advance()
            }
            while let b = try input.peek(), RDFCharacters.isDigit(b) {
                text.append(b)
                input.advance()
            }
            return .literal(String(decoding: text, as: UTF8.self), datatype: RDFVocabulary.double, language: nil)
        }
        let datatype = hasDot ? RDFVocabulary.decimal : RDFVocabulary.integer
        return .literal(String(decoding: text, as: UTF8.self), datatype: datatype, language: nil)
    }

    /// Whether `[eE] [+-]? [0-9]` starts `k` bytes ahead.
    private mutating func exponentAhead(at k: Int) throws -> Bool {
        guard let e = try input.peek(k), e == 0x65 || e == 0x45 else { return false }
        var j = k + 1
        if let s = try input.peek(j), s == 0x2B || s == 0x2D { j += 1 }
        guard let d = try input.peek(j) else { return false }
        return RDFCharacters.isDigit(d)
    }
}
