import QuiverCore
/// Just enough XML 1.0 with namespaces for the results format: elements, attributes, text,
/// CDATA, comments and processing instructions, the five predefined entities and character
/// references. A document type declaration is refused (its entities could expand without bound).
/// Line ends are normalized as XML requires (CRLF and CR to LF; in attributes to spaces).
struct XMLElement {
    var namespace: String?
    var localName: String
    var qualifiedName: String
    /// By qualified name (`name`, `xml:lang`); namespace declarations are not listed.
    var attributes: [(name: String, value: String)]
    var children: [XMLNode]
    var offset: Int

    func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
}

enum XMLNode {
    case element(XMLElement)
    case text(String, offset: Int)
}

struct XMLParser {
    static let maximumDepth = 64
    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func error(_ expected: String, at offset: Int? = nil, found: String? = nil) -> ResultsReadError {
        let at = offset ?? position
        return ResultsReadError(format: .xml, bytes: bytes, offset: at, found: found ?? TextPosition.excerpt(bytes, at: at), expected: expected)
    }

    mutating func parseDocument() throws -> XMLElement {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        if starts(with: "<?xml"), position + 5 < bytes.count, Self.isSpace(bytes[position + 5]) {
            try parseDeclaration()
        }
        try skipMisc()
        guard position < bytes.count, bytes[position] == 0x3C else { throw error("the root element") }
        let root = try parseElement(depth: 0, scope: ["xml": Self.xmlNamespace])
        try skipMisc()
        guard position == bytes.count else { throw error("end of input after the root element") }
        return root
    }

    // MARK: Prolog

    private mutating func parseDeclaration() throws {
        let start = position
        guard let end = find("?>") else { throw error("`?>` closing the XML declaration", at: start) }
        let declaration = String(decoding: bytes[start..<end], as: UTF8.self)
        if let range = declaration.range(of: "encoding") {
            let rest = declaration[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
            let name = rest.prefix { $0 != "\"" && $0 != "'" }.lowercased()
            guard name == "utf-8" || name == "utf8" || name == "us-ascii" else {
                throw error("UTF-8 text", at: start, found: "the encoding \(ResultsWriteError.quoted(name))")
            }
        }
        position = end + 2
    }

    /// Whitespace, comments and processing instructions, outside the root element.
    private mutating func skipMisc() throws {
        while position < bytes.count {
            if Self.isSpace(bytes[position]) {
                position += 1
            } else if starts(with: "<!--") {
                try skipComment()
            } else if starts(with: "<?") {
                try skipProcessingInstruction()
            } else if starts(with: "<!DOCTYPE") {
                throw error("no document type declaration (SPARQL results have none)")
            } else {
                return
            }
        }
    }

    private mutating func skipComment() throws {
        let start = position
        position += 4
        guard let end = find("-->") else { throw error("`-->` closing the comment", at: start) }
        position = end + 3
    }

    private mutating func skipProcessingInstruction() throws {
        let start = position
        guard let end = find("?>") else { throw error("`?>` closing the processing instruction", at: start) }
        position = end + 2
    }

    // MARK: Elements

    private mutating func parseElement(depth: Int, scope: [String: String]) throws -> XMLElement {
        let start = position
        guard depth < Self.maximumDepth else { throw error("elements nested at most \(Self.maximumDepth) deep") }
        position += 1
        let name = try parseName()
        var rawAttributes: [(name: String, value: String, offset: Int)] = []
        var scope = scope
        var selfClosing = false
        while true {
            let hadSpace = skipSpaces()
            guard position < bytes.count else { throw error("`>` closing the tag of <\(name)>") }
            if bytes[position] == 0x3E { position += 1; break }
            if starts(with: "/>") { position += 2; selfClosing = true; break }
            guard hadSpace else { throw error("a space, `>` or `/>`") }
            let attributeStart = position
            let attributeName = try parseName()
            skipSpaces()
            guard position < bytes.count, bytes[position] == 0x3D else { throw error("`=` after the attribute \(attributeName)") }
            position += 1
            skipSpaces()
            let value = try parseAttributeValue()
            guard !rawAttributes.contains(where: { $0.name == attributeName }) else {
                throw error("each attribute once", at: attributeStart, found: "a second \(attributeName)")
            }
            if attributeName == "xmlns" {
                scope[""] = value
            } else if attributeName.hasPrefix("xmlns:") {
                scope[String(attributeName.dropFirst(6))] = value
            } else {
                rawAttributes.append((attributeName, value, attributeStart))
            }
        }
        let (prefix, localName) = Self.split(name)
        let namespace: String?
        if let prefix {
            guard let bound = scope[prefix] else { throw error("a declared namespace prefix", at: start, found: "the prefix \(prefix):") }
            namespace = bound
        } else {
            namespace = scope[""].flatMap { $0.isEmpty ? nil : $0 }
        }
        for attribute in rawAttributes {
            if let prefix = Self.split(attribute.name).prefix, scope[prefix] == nil {
                throw error("a declared namespace prefix", at: attribute.offset, found: "the prefix \(prefix):")
            }
        }
        var element = XMLElement(namespace: namespace, localName: localName, qualifiedName: name,
                                 attributes: rawAttributes.map { ($0.name, $0.value) }, children: [], offset: start)
        if selfClosing { return element }
        try parseContent(of: &element, depth: depth, scope: scope)
        return element
    }

    private mutating func parseContent(of element: inout XMLElement, depth: Int, scope: [String: String]) throws {
        var text: [UInt8] = []
        var textStart = position
        func flush(_ children: inout [XMLNode]) {
            if !text.isEmpty { children.append(.text(String(decoding: text, as: UTF8.self), offset: textStart)) }
            text.removeAll()
        }
        while true {
            guard position < bytes.count else {
                throw error("</\(element.qualifiedName)> closing the element", found: "end of input")
            }
            let b = bytes[position]
            if b == 0x3C {
                if starts(with: "</") {
                    flush(&element.children)
                    position += 2
                    let name = try parseName()
                    skipSpaces()
                    guard name == element.qualifiedName, position < bytes.count, bytes[position] == 0x3E else {
                        throw error("</\(element.qualifiedName)>", at: position - 2 - name.utf8.count)
                    }
                    position += 1
                    return
                } else if starts(with: "<!--") {
                    try skipComment()
                } else if starts(with: "<![CDATA[") {
                    if text.isEmpty { textStart = position }
                    let start = position
                    position += 9
                    guard let end = find("]]>") else { throw error("`]]>` closing the CDATA section", at: start) }
                    try appendCharacters(bytes[position..<end], to: &text)
                    position = end + 3
                } else if starts(with: "<?") {
                    try skipProcessingInstruction()
                } else if starts(with: "<!") {
                    throw error("an element, text, a comment or CDATA")
                } else {
                    flush(&element.children)
                    element.children.append(.element(try parseElement(depth: depth + 1, scope: scope)))
                    textStart = position
                }
            } else {
                if text.isEmpty { textStart = position }
                if b == 0x26 {
                    try parseReference(into: &text)
                } else if b == 0x0D {
                    text.append(0x0A)
                    position += 1
                    if position < bytes.count, bytes[position] == 0x0A { position += 1 }
                } else {
                    guard b >= 0x20 || b == 0x09 || b == 0x0A else { throw error("a character XML allows") }
                    text.append(b)
                    position += 1
                }
            }
        }
    }

    private mutating func parseAttributeValue() throws -> String {
        guard position < bytes.count, bytes[position] == 0x22 || bytes[position] == 0x27 else {
            throw error("an attribute value in quotes")
        }
        let quote = bytes[position]
        let opening = position
        position += 1
        var value: [UInt8] = []
        while true {
            guard position < bytes.count else { throw error("the quote closing the attribute value", at: opening) }
            let b = bytes[position]
            if b == quote { position += 1; return String(decoding: value, as: UTF8.self) }
            switch b {
            case 0x3C:
                throw error("no `<` in an attribute value")
            case 0x26:
                try parseReference(into: &value)
            case 0x0D:
                value.append(0x20)
                position += 1
                if position < bytes.count, bytes[position] == 0x0A { position += 1 }
            case 0x09, 0x0A:
                value.append(0x20)
                position += 1
            case 0x00..<0x20:
                throw error("a character XML allows")
            default:
                value.append(b)
                position += 1
            }
        }
    }

    /// `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&apos;`, `&#N;` or `&#xH;`.
    private mutating func parseReference(into out: inout [UInt8]) throws {
        let start = position
        guard let semicolon = bytes[position...].prefix(12).firstIndex(of: 0x3B) else {
            throw error("an entity or character reference ending in `;`")
        }
        let body = bytes[(position + 1)..<semicolon]
        let expected = "one of &lt; &gt; &amp; &quot; &apos; or a character reference"
        if body.first == 0x23 {
            let hex = body.dropFirst().first == 0x78
            let digits = body.dropFirst(hex ? 2 : 1)
            var value: UInt32 = 0
            guard !digits.isEmpty else { throw error(expected, at: start) }
            for d in digits {
                let digit: UInt32? = hex ? hexDigitValue(d) : (TermSyntax.isDigit(d) ? UInt32(d - 0x30) : nil)
                guard let digit, value <= 0x10FFFF else { throw error(expected, at: start) }
                value = value * (hex ? 16 : 10) + digit
            }
            guard Self.isXMLCharacter(value), let scalar = Unicode.Scalar(value) else {
                throw error("a character XML allows", at: start)
            }
            UTF8.encode(scalar) { out.append($0) }
        } else {
            switch String(decoding: body, as: UTF8.self) {
            case "lt": out.append(0x3C)
            case "gt": out.append(0x3E)
            case "amp": out.append(0x26)
            case "quot": out.append(0x22)
            case "apos": out.append(0x27)
            default: throw error(expected, at: start)
            }
        }
        position = semicolon + 1
    }

    /// Copies CDATA content, normalizing line ends and refusing characters XML excludes.
    private func appendCharacters(_ slice: ArraySlice<UInt8>, to out: inout [UInt8]) throws {
        var i = slice.startIndex
        while i < slice.endIndex {
            let b = slice[i]
            if b == 0x0D {
                out.append(0x0A)
                if i + 1 < slice.endIndex, slice[i + 1] == 0x0A { i += 1 }
            } else {
                guard b >= 0x20 || b == 0x09 || b == 0x0A else { throw error("a character XML allows", at: i) }
                out.append(b)
            }
            i += 1
        }
    }

    // MARK: Lexical helpers

    static func isXMLCharacter(_ v: UInt32) -> Bool {
        v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || (0x10000...0x10FFFF).contains(v)
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    static func split(_ name: String) -> (prefix: String?, local: String) {
        guard let colon = name.firstIndex(of: ":") else { return (nil, name) }
        return (String(name[..<colon]), String(name[name.index(after: colon)...]))
    }

    @discardableResult
    private mutating func skipSpaces() -> Bool {
        let start = position
        while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
        return position > start
    }

    private mutating func parseName() throws -> String {
        let start = position
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D, 0x2F, 0x3E, 0x3D, 0x3C, 0x22, 0x27, 0x26, 0x3B: break
            default: position += 1; continue
            }
            break
        }
        guard position > start, !TermSyntax.isDigit(bytes[start]), bytes[start] != 0x2D, bytes[start] != 0x2E else {
            throw error("a name", at: start)
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private func starts(with text: StaticString) -> Bool {
        text.withUTF8Buffer { t in
            position + t.count <= bytes.count && (0..<t.count).allSatisfy { bytes[position + $0] == t[$0] }
        }
    }

    /// The offset of the next `text` at or after `position`.
    private func find(_ text: StaticString) -> Int? {
        text.withUTF8Buffer { t in
            var i = position
            while i + t.count <= bytes.count {
                if bytes[i] == t[0], (1..<t.count).allSatisfy({ bytes[i + $0] == t[$0] }) { return i }
                i += 1
            }
            return nil
        }
    }
}
