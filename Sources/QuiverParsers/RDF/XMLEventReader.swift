import QuiverCore

/// An element or attribute name after namespace processing (Namespaces in XML 1.0).
struct XMLName: Equatable {
    /// The prefix as written; empty when there is none.
    var prefix: String
    var local: String
    /// The namespace IRI the prefix (or the default namespace) is bound to; empty when none is.
    var namespace: String

    /// The name as written in the document: `prefix:local` or `local`.
    var qualified: String { prefix.isEmpty ? local : prefix + ":" + local }
    /// Namespace and local name joined, as RDF/XML turns names into IRIs.
    var iri: String { namespace + local }
}

struct XMLAttribute {
    var name: XMLName
    /// The normalised value, references expanded (XML 1.0 section 3.3.3).
    var value: String
    var position: TurtlePosition
}

struct XMLStartTag {
    var name: XMLName
    /// The attributes other than namespace declarations, in document order.
    var attributes: [XMLAttribute]
    var position: TurtlePosition
}

enum XMLEvent {
    case start(XMLStartTag)
    /// The end of an element; an empty-element tag `<a/>` gives a start and an end.
    case end(XMLName, TurtlePosition)
    /// Character data, CDATA sections and references, with line ends normalised to LF. Adjacent
    /// pieces come as one event.
    case text(String, TurtlePosition)
    case comment(String, TurtlePosition)
    case processingInstruction(target: String, data: String, TurtlePosition)
    case endOfDocument
}

/// A pull parser for the XML 1.0 documents RDF/XML is written in, with namespaces: one event per
/// call, so memory stays at one input chunk, the open elements and the current text.
///
/// - Input is UTF-8 (an `encoding` declaration naming anything else is refused); a byte order mark
///   is skipped. Characters outside XML's `Char` production are errors.
/// - Well-formedness is checked as the events go: names, matching end tags, unique attributes,
///   declared prefixes, one root element, nothing but comments and PIs around it.
/// - A DOCTYPE's internal subset may declare general entities with literal values (as OWL files
///   do for namespace IRIs); their replacement text must not contain markup. Other declarations
///   are skipped, and external entities cannot be referenced. One reference expands to at most
///   `maxEntityExpansion` bytes, and all of them together to at most `entityAllowance` plus
///   `entityAmplification` times the bytes read so far, so that entities cannot blow up memory or
///   time (the "billion laughs").
/// - Elements may nest at most `maxDepth` deep.
struct XMLEventReader {
    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"
    static let xmlnsNamespace = "http://www.w3.org/2000/xmlns/"
    static let maxDepth = 1000
    static let maxEntityExpansion = 1 << 20
    static let entityAllowance = 16 << 20
    static let entityAmplification = 16

    private var input: TurtleInput
    let fileName: String

    private enum Phase { case prolog, content, epilog, finished }
    private var phase = Phase.prolog

    private struct OpenElement {
        var qualified: String
        var name: XMLName
        /// How many entries of `bindings` this element added.
        var bindingCount: Int
    }
    private var openElements: [OpenElement] = []
    /// In-scope namespace bindings, innermost last; `""` is the default namespace.
    private var bindings: [(prefix: String, namespace: String)] = [("", ""), ("xml", XMLEventReader.xmlNamespace)]
    /// The end event of an empty-element tag, returned by the next call.
    private var pendingEnd: XMLEvent?

    private enum Entity {
        case text([UInt8])
        case external
    }
    private var entities: [String: Entity] = [:]
    /// Bytes produced by entity references so far.
    private var entityBytes = 0
    private var scratch: [UInt8] = []

    init(source: any ByteSource, fileName: String, chunkSize: Int) {
        self.input = TurtleInput(source: source, chunkSize: chunkSize)
        self.fileName = fileName
    }

    var position: TurtlePosition { input.position }

    /// The namespace bound to `prefix` (`""`: the default namespace) where the cursor is.
    func namespace(forPrefix prefix: String) -> String? {
        bindings.last(where: { $0.prefix == prefix })?.namespace
    }

    // MARK: - Errors

    func failure(_ expected: String, at position: TurtlePosition, found: String) -> ParseError {
        ParseError(file: fileName, line: position.line, column: position.column, found: found, expected: expected)
    }

    private mutating func failure(_ expected: String, at position: TurtlePosition? = nil, found: String? = nil) -> ParseError {
        let where_ = position ?? input.position
        return ParseError(file: fileName, line: where_.line, column: where_.column,
                          found: found ?? input.excerpt(), expected: expected)
    }

    /// The scalar at the cursor and its length, checked to be well-formed UTF-8 and an XML `Char`.
    private mutating func scalar(_ k: Int = 0) throws -> (UInt32, Int)? {
        let decoded: (UInt32, Int)?
        do {
            decoded = try input.peekScalar(k)
        } catch TurtleInputIssue.invalidUTF8 {
            let bad = try input.peek(k) ?? 0
            throw failure("valid UTF-8", found: "invalid UTF-8 byte 0x" + String(bad, radix: 16, uppercase: true))
        }
        if let (c, _) = decoded, !Self.isChar(c) {
            throw failure("an XML character", found: "U+" + String(c, radix: 16, uppercase: true))
        }
        return decoded
    }

    /// XML 1.0 `Char`.
    static func isChar(_ c: UInt32) -> Bool {
        switch c {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// XML `NameStartChar` without `:` (Namespaces in XML's NCName).
    static func isNameStart(_ c: UInt32) -> Bool {
        RDFCharacters.isPNCharsU(c)
    }

    /// XML `NameChar` without `:`.
    static func isNameChar(_ c: UInt32) -> Bool {
        c == 0x2E || RDFCharacters.isPNChars(c)
    }

    /// Whether `text` is an NCName (the form of `rdf:ID` and `rdf:nodeID` values).
    static func isNCName(_ text: String) -> Bool {
        var first = true
        for s in text.unicodeScalars {
            guard first ? isNameStart(s.value) : isNameChar(s.value) else { return false }
            first = false
        }
        return !first
    }

    // MARK: - Events

    /// The next event; `.endOfDocument` once the root element is closed and only comments, PIs and
    /// whitespace follow (and again on every later call).
    mutating func next() throws -> XMLEvent {
        if let pending = pendingEnd {
            pendingEnd = nil
            return pending
        }
        switch phase {
        case .prolog:
            try prolog()
            return .start(try startTag())
        case .content:
            return try content()
        case .epilog:
            try misc()
            guard try input.peek() == nil else { throw failure("end of input after the root element") }
            phase = .finished
            return .endOfDocument
        case .finished:
            return .endOfDocument
        }
    }

    /// XML declaration, comments, PIs, whitespace and a DOCTYPE, up to the root's `<`.
    private mutating func prolog() throws {
        try input.skipByteOrderMark()
        if try lookingAt("<?xml"), let b = try input.peek(5), Self.isSpace(b) {
            try xmlDeclaration()
        }
        var sawDoctype = false
        while true {
            try skipSpace()
            if try lookingAt("<!--") {
                _ = try comment()
            } else if try lookingAt("<?") {
                _ = try processingInstruction()
            } else if try lookingAt("<!DOCTYPE") {
                guard !sawDoctype else { throw failure("one DOCTYPE at most") }
                sawDoctype = true
                try doctype()
            } else if try input.peek() == 0x3C {
                return
            } else {
                throw failure("the root element")
            }
        }
    }

    /// Comments, PIs and whitespace after the root element.
    private mutating func misc() throws {
        while true {
            try skipSpace()
            if try lookingAt("<!--") {
                _ = try comment()
            } else if try lookingAt("<?") {
                _ = try processingInstruction()
            } else {
                return
            }
        }
    }

    private mutating func content() throws -> XMLEvent {
        let start = input.position
        // The text buffer is kept between events so that its capacity is reused.
        var text = scratch
        text.removeAll(keepingCapacity: true)
        scratch = []
        defer { scratch = text }
        while true {
            guard let b = try input.peek() else {
                throw failure("'</\(openElements.last?.qualified ?? "")>' to close the element")
            }
            switch b {
            case 0x3C:
                if try input.peek(1) == 0x21, try lookingAt("<![CDATA[") {
                    try cdata(into: &text)
                    continue
                }
                if !text.isEmpty { return .text(String(decoding: text, as: UTF8.self), start) }
                let at = input.position
                if try input.peek(1) == 0x2F { return try endTag() }
                if try lookingAt("<!--") { return .comment(try comment(), at) }
                if try input.peek(1) == 0x3F {
                    let (target, data) = try processingInstruction()
                    return .processingInstruction(target: target, data: data, at)
                }
                if try input.peek(1) == 0x21 { throw failure("an element, comment, CDATA section or PI") }
                return .start(try startTag())
            case 0x26:
                try reference(into: &text, inAttribute: false)
            case 0x5D:
                if try input.peek(1) == 0x5D, try input.peek(2) == 0x3E {
                    throw failure("character data without ']]>'")
                }
                text.append(b)
                input.advance()
            case 0x0D:
                input.advance()
                if try input.peek() == 0x0A { input.advance() }
                text.append(0x0A)
            default:
                try takeScalar(into: &text)
            }
        }
    }

    // MARK: - Tags

    private mutating func startTag() throws -> XMLStartTag {
        let position = input.position
        input.advance()  // '<'
        guard openElements.count < Self.maxDepth else {
            throw failure("elements nested at most \(Self.maxDepth) deep", at: position)
        }
        let (prefix, local) = try qualifiedName()
        var raw: [(prefix: String, local: String, value: String, position: TurtlePosition)] = []
        var seen: Set<String> = []
        var empty = false
        while true {
            let hadSpace = try skipSpace()
            guard let b = try input.peek() else { throw failure("'>' to end the start tag") }
            if b == 0x3E {
                input.advance()
                break
            }
            if b == 0x2F {
                guard try input.peek(1) == 0x3E else { throw failure("'/>' to end the empty-element tag") }
                input.advance(2)
                empty = true
                break
            }
            guard hadSpace else { throw failure("whitespace, '>' or '/>' after the name") }
            let at = input.position
            let (p, l) = try qualifiedName()
            guard seen.insert(p + ":" + l).inserted else {
                throw failure("each attribute once", at: at, found: "a second '\(p.isEmpty ? l : p + ":" + l)'")
            }
            try skipSpace()
            guard try input.peek() == 0x3D else { throw failure("'=' after the attribute name") }
            input.advance()
            try skipSpace()
            raw.append((p, l, try attributeValue(), at))
        }

        // Namespace declarations first: they apply to the element's own name and attributes.
        var added = 0
        for a in raw where (a.prefix.isEmpty && a.local == "xmlns") || a.prefix == "xmlns" {
            let declared = a.prefix.isEmpty ? "" : a.local
            if declared == "xmlns" || a.value == Self.xmlnsNamespace {
                throw failure("no declaration of the xmlns prefix or namespace", at: a.position, found: "'\(a.value)'")
            }
            if (declared == "xml") != (a.value == Self.xmlNamespace) {
                throw failure("the xml prefix bound only to \(Self.xmlNamespace)", at: a.position, found: "'\(a.value)'")
            }
            if !declared.isEmpty && a.value.isEmpty {
                throw failure("a namespace IRI for the prefix '\(declared)'", at: a.position, found: "an empty value")
            }
            bindings.append((declared, a.value))
            added += 1
        }
        guard let elementNamespace = namespace(forPrefix: prefix) else {
            throw failure("a declared namespace prefix", at: position, found: "'\(prefix):\(local)'")
        }
        var attributes: [XMLAttribute] = []
        var expanded: Set<String> = []
        for a in raw where !((a.prefix.isEmpty && a.local == "xmlns") || a.prefix == "xmlns") {
            var ns = ""
            if !a.prefix.isEmpty {
                guard let bound = namespace(forPrefix: a.prefix) else {
                    throw failure("a declared namespace prefix", at: a.position, found: "'\(a.prefix):\(a.local)'")
                }
                ns = bound
            }
            guard ns.isEmpty || expanded.insert(ns + " " + a.local).inserted else {
                throw failure("each attribute once", at: a.position, found: "a second '{\(ns)}\(a.local)'")
            }
            attributes.append(XMLAttribute(name: XMLName(prefix: a.prefix, local: a.local, namespace: ns),
                                           value: a.value, position: a.position))
        }
        let name = XMLName(prefix: prefix, local: local, namespace: elementNamespace)
        openElements.append(OpenElement(qualified: name.qualified, name: name, bindingCount: added))
        phase = .content
        if empty { pendingEnd = closeElement(at: input.position) }
        return XMLStartTag(name: name, attributes: attributes, position: position)
    }

    private mutating func endTag() throws -> XMLEvent {
        let position = input.position
        input.advance(2)  // '</'
        let nameStart = input.position
        let (prefix, local) = try qualifiedName()
        let written = prefix.isEmpty ? local : prefix + ":" + local
        guard let open = openElements.last else { throw failure("no end tag outside the root element", at: position) }
        guard written == open.qualified else {
            throw failure("'</\(open.qualified)>'", at: nameStart, found: "'</\(written)>'")
        }
        try skipSpace()
        guard try input.peek() == 0x3E else { throw failure("'>' to end the end tag") }
        input.advance()
        return closeElement(at: position)
    }

    private mutating func closeElement(at position: TurtlePosition) -> XMLEvent {
        let open = openElements.removeLast()
        bindings.removeLast(open.bindingCount)
        if openElements.isEmpty { phase = .epilog }
        return .end(open.name, position)
    }

    /// `NCName (':' NCName)?` at the cursor.
    private mutating func qualifiedName() throws -> (prefix: String, local: String) {
        let first = try ncName()
        guard try input.peek() == 0x3A else { return ("", first) }
        input.advance()
        return (first, try ncName())
    }

    private mutating func ncName() throws -> String {
        var out: [UInt8] = []
        guard let (c, n) = try scalar(), Self.isNameStart(c) else { throw failure("an XML name") }
        try take(n, into: &out)
        while let (c, n) = try scalar(), Self.isNameChar(c) {
            try take(n, into: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A quoted attribute value: references expanded, whitespace characters turned into spaces.
    private mutating func attributeValue() throws -> String {
        guard let quote = try input.peek(), quote == 0x22 || quote == 0x27 else {
            throw failure("a quoted attribute value")
        }
        let open = input.position
        input.advance()
        var out: [UInt8] = []
        while true {
            guard let b = try input.peek() else {
                throw failure("the closing quote of the attribute value opened at \(open.line):\(open.column)")
            }
            switch b {
            case quote:
                input.advance()
                return String(decoding: out, as: UTF8.self)
            case 0x3C:
                throw failure("attribute value without '<' (write &lt;)")
            case 0x26:
                try reference(into: &out, inAttribute: true)
            case 0x0D:
                input.advance()
                if try input.peek() == 0x0A { input.advance() }
                out.append(0x20)
            case 0x0A, 0x09:
                input.advance()
                out.append(0x20)
            default:
                try takeScalar(into: &out)
            }
        }
    }

    // MARK: - References and entities

    /// `&name;`, `&#n;` or `&#xh;` at the cursor, expanded onto `out`.
    private mutating func reference(into out: inout [UInt8], inAttribute: Bool) throws {
        let at = input.position
        input.advance()  // '&'
        if try input.peek() == 0x23 {
            input.advance()
            let hex = try input.peek() == 0x78
            if hex { input.advance() }
            var value: UInt32 = 0
            var digits = 0
            while let b = try input.peek(), b != 0x3B {
                let d: UInt32?
                if hex { d = hexDigitValue(b) } else { d = RDFCharacters.isDigit(b) ? UInt32(b - 0x30) : nil }
                guard let d, digits < 8 else { throw failure("a character reference '&#…;'", at: at) }
                value = value * (hex ? 16 : 10) + d
                digits += 1
                input.advance()
            }
            guard digits > 0, try input.peek() == 0x3B else { throw failure("a character reference '&#…;'", at: at) }
            input.advance()
            guard Self.isChar(value) else {
                throw failure("a reference to an XML character", at: at, found: "U+" + String(value, radix: 16, uppercase: true))
            }
            RDFCharacters.appendUTF8(value, to: &out)
            return
        }
        let name = try ncName()
        guard try input.peek() == 0x3B else { throw failure("';' to end the entity reference") }
        input.advance()
        let allowed = Self.entityAllowance + Self.entityAmplification * input.offset - entityBytes
        var budget = min(Self.maxEntityExpansion, allowed)
        let before = budget
        try expand(entity: name, at: at, into: &out, inAttribute: inAttribute, depth: 0, budget: &budget)
        entityBytes += before - budget
    }

    private static let predefined: [String: UInt8] = ["lt": 0x3C, "gt": 0x3E, "amp": 0x26, "apos": 0x27, "quot": 0x22]

    /// Appends the replacement text of `name`, expanding the references inside it.
    private mutating func expand(entity name: String, at: TurtlePosition, into out: inout [UInt8],
                                 inAttribute: Bool, depth: Int, budget: inout Int) throws {
        if let b = Self.predefined[name] {
            out.append(b)
            budget -= 1
            return
        }
        guard let entity = entities[name] else {
            throw failure("a declared entity", at: at, found: "'&\(name);'")
        }
        guard case .text(let text) = entity else {
            throw failure("an internal entity (external entities are not read)", at: at, found: "'&\(name);'")
        }
        guard depth < 16 else { throw failure("entities nested at most 16 deep", at: at, found: "'&\(name);'") }
        var i = 0
        while i < text.count {
            guard budget >= 0 else {
                throw failure("entity expansions of at most \(Self.maxEntityExpansion) bytes each, \(Self.entityAmplification) times the input in all",
                              at: at, found: "'&\(name);'")
            }
            let b = text[i]
            if b == 0x3C {
                throw failure("entity text without markup (markup in entities is not supported)", at: at, found: "'&\(name);'")
            }
            if b == 0x26, let semicolon = text[i...].firstIndex(of: 0x3B) {
                let inner = String(decoding: text[(i + 1)..<semicolon], as: UTF8.self)
                if inner.hasPrefix("#") {
                    let digits = inner.dropFirst()
                    let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
                    guard let value, Self.isChar(value) else {
                        throw failure("a reference to an XML character", at: at, found: "'&\(inner);' in '&\(name);'")
                    }
                    RDFCharacters.appendUTF8(value, to: &out)
                } else {
                    try expand(entity: inner, at: at, into: &out, inAttribute: inAttribute, depth: depth + 1, budget: &budget)
                }
                i = semicolon + 1
                continue
            }
            out.append(inAttribute && (b == 0x0A || b == 0x09 || b == 0x0D) ? 0x20 : b)
            budget -= 1
            i += 1
        }
    }

    /// `<!DOCTYPE name externalID? [internal subset]? >`: general entity declarations are kept.
    private mutating func doctype() throws {
        input.advance(9)  // '<!DOCTYPE'
        guard try skipSpace() else { throw failure("whitespace after '<!DOCTYPE'") }
        _ = try qualifiedName()
        while true {
            try skipSpace()
            guard let b = try input.peek() else { throw failure("'>' to end the DOCTYPE") }
            switch b {
            case 0x3E:
                input.advance()
                return
            case 0x22, 0x27:
                _ = try quotedLiteral()
            case 0x5B:
                input.advance()
                try internalSubset()
            default:
                guard let (c, _) = try scalar(), Self.isNameStart(c) else { throw failure("'>' to end the DOCTYPE") }
                _ = try ncName()  // SYSTEM, PUBLIC
            }
        }
    }

    private mutating func internalSubset() throws {
        while true {
            try skipSpace()
            guard try input.peek() != nil else { throw failure("']' to end the DOCTYPE's internal subset") }
            if try input.peek() == 0x5D {
                input.advance()
                return
            } else if try lookingAt("<!--") {
                _ = try comment()
            } else if try lookingAt("<?") {
                _ = try processingInstruction()
            } else if try lookingAt("<!ENTITY") {
                try entityDeclaration()
            } else if try lookingAt("<!") {
                // ELEMENT, ATTLIST, NOTATION: nothing RDF/XML needs; skip to the closing '>'.
                input.advance(2)
                var skipped: [UInt8] = []
                while let b = try input.peek(), b != 0x3E {
                    if b == 0x22 || b == 0x27 { _ = try quotedLiteral() } else { try takeScalar(into: &skipped) }
                }
                guard try input.peek() == 0x3E else { throw failure("'>' to end the declaration") }
                input.advance()
            } else if try input.peek() == 0x25 {
                input.advance()
                _ = try ncName()
                guard try input.peek() == 0x3B else { throw failure("';' to end the parameter entity reference") }
                input.advance()
            } else {
                throw failure("a markup declaration")
            }
        }
    }

    /// `<!ENTITY name "value">`, `<!ENTITY name SYSTEM "…">` or a parameter entity (ignored).
    private mutating func entityDeclaration() throws {
        input.advance(8)  // '<!ENTITY'
        guard try skipSpace() else { throw failure("whitespace after '<!ENTITY'") }
        var parameter = false
        if try input.peek() == 0x25 {
            input.advance()
            parameter = true
            guard try skipSpace() else { throw failure("whitespace after '%'") }
        }
        let name = try ncName()
        guard try skipSpace() else { throw failure("whitespace after the entity name") }
        var entity = Entity.external
        if let b = try input.peek(), b == 0x22 || b == 0x27 {
            entity = .text(try entityValue())
        }
        var skipped: [UInt8] = []
        while let b = try input.peek(), b != 0x3E {
            if b == 0x22 || b == 0x27 { _ = try quotedLiteral() } else { try takeScalar(into: &skipped) }
        }
        guard try input.peek() == 0x3E else { throw failure("'>' to end the entity declaration") }
        input.advance()
        // The first declaration of an entity binds (XML 1.0 section 4.2).
        if !parameter && entities[name] == nil { entities[name] = entity }
    }

    /// A quoted entity value: character references expanded now, entity references kept for later.
    private mutating func entityValue() throws -> [UInt8] {
        let quote = try input.peek() ?? 0
        input.advance()
        var out: [UInt8] = []
        while true {
            guard let b = try input.peek() else { throw failure("the closing quote of the entity value") }
            if b == quote {
                input.advance()
                return out
            }
            if b == 0x26, try input.peek(1) == 0x23 {
                try reference(into: &out, inAttribute: false)
            } else if b == 0x25 {
                throw failure("an entity value without parameter entity references")
            } else if b == 0x0D {
                input.advance()
                if try input.peek() == 0x0A { input.advance() }
                out.append(0x0A)
            } else {
                try takeScalar(into: &out)
            }
        }
    }

    private mutating func quotedLiteral() throws -> [UInt8] {
        let quote = try input.peek() ?? 0
        input.advance()
        var out: [UInt8] = []
        while true {
            guard let b = try input.peek() else { throw failure("the closing quote") }
            if b == quote {
                input.advance()
                return out
            }
            try takeScalar(into: &out)
        }
    }

    // MARK: - Comments, PIs, CDATA

    /// `<!-- … -->` at the cursor; returns the text inside.
    private mutating func comment() throws -> String {
        let open = input.position
        input.advance(4)
        var out: [UInt8] = []
        while true {
            guard let b = try input.peek() else { throw failure("'-->' to close the comment opened at \(open.line):\(open.column)") }
            if b == 0x2D, try input.peek(1) == 0x2D {
                guard try input.peek(2) == 0x3E else { throw failure("no '--' inside a comment") }
                input.advance(3)
                return String(decoding: out, as: UTF8.self)
            }
            if b == 0x0D {
                input.advance()
                if try input.peek() == 0x0A { input.advance() }
                out.append(0x0A)
            } else {
                try takeScalar(into: &out)
            }
        }
    }

    /// `<?target data?>` at the cursor.
    private mutating func processingInstruction() throws -> (String, String) {
        let open = input.position
        input.advance(2)
        let target = try ncName()
        if target.lowercased() == "xml" { throw failure("a PI target other than 'xml' (the XML declaration comes first)", at: open) }
        var data: [UInt8] = []
        if try !skipSpace(), !(try lookingAt("?>")) { throw failure("whitespace or '?>' after the PI target") }
        while true {
            guard let b = try input.peek() else { throw failure("'?>' to close the PI opened at \(open.line):\(open.column)") }
            if b == 0x3F, try input.peek(1) == 0x3E {
                input.advance(2)
                return (target, String(decoding: data, as: UTF8.self))
            }
            if b == 0x0D {
                input.advance()
                if try input.peek() == 0x0A { input.advance() }
                data.append(0x0A)
            } else {
                try takeScalar(into: &data)
            }
        }
    }

    private mutating func cdata(into out: inout [UInt8]) throws {
        let open = input.position
        input.advance(9)
        while true {
            guard let b = try input.peek() else { throw failure("']]>' to close the CDATA section opened at \(open.line):\(open.column)") }
            if b == 0x5D, try input.peek(1) == 0x5D, try input.peek(2) == 0x3E {
                input.advance(3)
                return
            }
            if b == 0x0D {
                input.advance()
                if try input.peek() == 0x0A { input.advance() }
                out.append(0x0A)
            } else {
                try takeScalar(into: &out)
            }
        }
    }

    /// `<?xml version="1.0" encoding="…"?>`: only UTF-8 (or its ASCII subset) can be read.
    private mutating func xmlDeclaration() throws {
        let open = input.position
        input.advance(5)
        var text: [UInt8] = []
        while true {
            guard let b = try input.peek() else { throw failure("'?>' to end the XML declaration opened at \(open.line):\(open.column)") }
            if b == 0x3F, try input.peek(1) == 0x3E {
                input.advance(2)
                break
            }
            try takeScalar(into: &text)
        }
        let declaration = String(decoding: text, as: UTF8.self)
        guard declaration.contains("version") else { throw failure("a version in the XML declaration", at: open, found: "'<?xml\(declaration)?>'") }
        if let range = declaration.range(of: "encoding") {
            let rest = declaration[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" || $0 == "\t" }
            let encoding = String(rest.prefix { $0 != "\"" && $0 != "'" }).lowercased()
            guard ["utf-8", "utf8", "us-ascii", "ascii"].contains(encoding) else {
                throw failure("UTF-8 input", at: open, found: "encoding '\(encoding)'")
            }
        }
    }

    // MARK: - Bytes

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// Skips XML whitespace; returns whether there was any.
    @discardableResult
    private mutating func skipSpace() throws -> Bool {
        var any = false
        while let b = try input.peek(), Self.isSpace(b) {
            input.advance()
            any = true
        }
        return any
    }

    private mutating func lookingAt(_ text: String) throws -> Bool {
        for (k, byte) in text.utf8.enumerated() {
            guard try input.peek(k) == byte else { return false }
        }
        return true
    }

    /// Moves one checked scalar from the input to `out`.
    private mutating func takeScalar(into out: inout [UInt8]) throws {
        guard let (_, n) = try scalar() else { return }
        try take(n, into: &out)
    }

    private mutating func take(_ n: Int, into out: inout [UInt8]) throws {
        for k in 0..<n { out.append(try input.peek(k) ?? 0) }
        input.advance(n)
    }
}
