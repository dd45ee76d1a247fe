import QuiverCore

/// One RDF term in Turtle syntax, as a TSV field holds it.
struct TurtleTermParser {
    let bytes: [UInt8]
    var position: Int
    let end: Int

    private func error(_ expected: String, at offset: Int? = nil, found: String? = nil) -> ResultsReadError {
        let at = offset ?? position
        let excerpt = at < end ? TextPosition.excerpt(Array(bytes[at..<end]), at: 0) : "the end of the field"
        return ResultsReadError(format: .tsv, bytes: bytes, offset: at, found: found ?? excerpt, expected: expected)
    }

    private mutating func skipSpaces() {
        while position < end, bytes[position] == 0x20 { position += 1 }
    }

    /// The field's term, or nil for an empty field (unbound).
    mutating func parseField() throws -> Term? {
        skipSpaces()
        guard position < end else { return nil }
        let term = try parseTerm()
        skipSpaces()
        guard position == end else { throw error("a tab or the line's end after the term") }
        return term
    }

    private mutating func parseTerm() throws -> Term {
        switch bytes[position] {
        case 0x3C:
            return .iri(try parseIRI())
        case 0x5F where position + 1 < end && bytes[position + 1] == 0x3A:
            let start = position
            position += 2
            while position < end, bytes[position] != 0x20 { position += 1 }
            let label = String(decoding: bytes[(start + 2)..<position], as: UTF8.self)
            guard TermSyntax.isBlankNodeLabel(label) else { throw error("a blank node label", at: start) }
            return .blank(label)
        case 0x22, 0x27:
            let value = try parseString()
            if position < end, bytes[position] == 0x40 {
                let start = position + 1
                position += 1
                while position < end, TermSyntax.isASCIILetter(bytes[position]) || TermSyntax.isDigit(bytes[position]) || bytes[position] == 0x2D {
                    position += 1
                }
                let tag = String(decoding: bytes[start..<position], as: UTF8.self)
                guard TermSyntax.isLanguageTag(tag) else { throw error("a language tag", at: start) }
                return .literal(value, datatype: nil, language: tag)
            }
            if position + 1 < end, bytes[position] == 0x5E, bytes[position + 1] == 0x5E {
                position += 2
                guard position < end, bytes[position] == 0x3C else { throw error("a datatype IRI in <…> (TSV has no prefixes)") }
                return .literal(value, datatype: try parseIRI(), language: nil)
            }
            return .literal(value, datatype: nil, language: nil)
        case 0x2B, 0x2D, 0x2E, 0x30...0x39:
            let start = position
            while position < end, bytes[position] != 0x20 { position += 1 }
            let text = bytes[start..<position]
            guard let datatype = TermSyntax.abbreviatedNumberDatatype(text) else { throw error("a number", at: start) }
            return .literal(String(decoding: text, as: UTF8.self), datatype: datatype, language: nil)
        default:
            for word in ["true", "false"] where bytes[position..<end].starts(with: word.utf8) {
                let after = position + word.utf8.count
                if after == end || bytes[after] == 0x20 {
                    position = after
                    return .literal(word, datatype: XSD.boolean, language: nil)
                }
            }
            throw error("an RDF term: <iri>, _:label, a quoted literal, a number, true or false")
        }
    }

    /// `<…>` with `\u` and `\U` escapes.
    private mutating func parseIRI() throws -> String {
        let opening = position
        position += 1
        var text: [UInt8] = []
        while true {
            guard position < end else { throw error("`>` closing the IRI", at: opening) }
            let b = bytes[position]
            switch b {
            case 0x3E:
                position += 1
                return String(decoding: text, as: UTF8.self)
            case 0x5C:
                guard position + 1 < end, bytes[position + 1] == 0x75 || bytes[position + 1] == 0x55 else {
                    throw error("only \\u or \\U escapes in an IRI")
                }
                try appendUCHAR(to: &text)
            case 0x00...0x20, 0x3C, 0x22, 0x7B, 0x7D, 0x7C, 0x5E, 0x60:
                throw error("a character allowed in an IRI (escape others as \\u00XX)")
            default:
                text.append(b)
                position += 1
            }
        }
    }

    /// `\uXXXX` or `\UXXXXXXXX` at `position`.
    private mutating func appendUCHAR(to text: inout [UInt8]) throws {
        let start = position
        let count = bytes[position + 1] == 0x75 ? 4 : 8
        position += 2
        var value: UInt32 = 0
        for _ in 0..<count {
            guard position < end, let digit = hexDigitValue(bytes[position]) else { throw error("\(count) hexadecimal digits", at: start) }
            value = value << 4 | digit
            position += 1
        }
        guard let scalar = Unicode.Scalar(value) else { throw error("a Unicode character", at: start) }
        UTF8.encode(scalar) { text.append($0) }
    }

    /// A quoted string, short (`"…"`, `'…'`) or long (`"""…"""`, `'''…'''`), with Turtle's escapes.
    private mutating func parseString() throws -> String {
        let opening = position
        let quote = bytes[position]
        let long = position + 2 < end && bytes[position + 1] == quote && bytes[position + 2] == quote
        position += long ? 3 : 1
        var text: [UInt8] = []
        while true {
            guard position < end else { throw error("the quote closing the literal", at: opening) }
            let b = bytes[position]
            if b == quote {
                if !long { position += 1; break }
                if position + 2 < end, bytes[position + 1] == quote, bytes[position + 2] == quote,
                   !(position + 3 < end && bytes[position + 3] == quote) {
                    position += 3
                    break
                }
                text.append(b)
                position += 1
                continue
            }
            guard b == 0x5C else {
                text.append(b)
                position += 1
                continue
            }
            guard position + 1 < end else { throw error("an escape") }
            let escaped: UInt8
            switch bytes[position + 1] {
            case 0x74: escaped = 0x09
            case 0x62: escaped = 0x08
            case 0x6E: escaped = 0x0A
            case 0x72: escaped = 0x0D
            case 0x66: escaped = 0x0C
            case 0x22, 0x27, 0x5C: escaped = bytes[position + 1]
            case 0x75, 0x55:
                try appendUCHAR(to: &text)
                continue
            default:
                throw error("one of the escapes \\t \\b \\n \\r \\f \\\" \\' \\\\ \\u \\U")
            }
            text.append(escaped)
            position += 2
        }
        return String(decoding: text, as: UTF8.self)
    }
}
