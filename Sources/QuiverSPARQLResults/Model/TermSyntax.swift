import QuiverCore
/// The lexical rules the formats share: SPARQL variable names, Turtle blank node labels,
/// language tags and Turtle's abbreviated numbers.
enum TermSyntax {
    /// SPARQL's `PN_CHARS_BASE`.
    static func isNameBase(_ v: UInt32) -> Bool {
        switch v {
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF,
             0x200C...0x200D, 0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD,
             0x10000...0xEFFFF:
            true
        default:
            false
        }
    }

    /// `PN_CHARS_U | [0-9]`: how a variable name or blank node label may start.
    static func isNameStart(_ v: UInt32) -> Bool { isNameBase(v) || v == 0x5F || (0x30...0x39).contains(v) }

    /// `PN_CHARS` without `-`: what may follow in a variable name.
    static func isVariableContinuation(_ v: UInt32) -> Bool {
        isNameStart(v) || v == 0xB7 || (0x300...0x36F).contains(v) || (0x203F...0x2040).contains(v)
    }

    /// SPARQL's `VARNAME`.
    static func isVariableName(_ name: String) -> Bool {
        var scalars = name.unicodeScalars.makeIterator()
        guard let first = scalars.next(), isNameStart(first.value) else { return false }
        while let s = scalars.next() { guard isVariableContinuation(s.value) else { return false } }
        return true
    }

    /// The label part of Turtle's `BLANK_NODE_LABEL`.
    static func isBlankNodeLabel(_ label: String) -> Bool {
        var scalars = label.unicodeScalars.makeIterator()
        guard let first = scalars.next(), isNameStart(first.value) else { return false }
        var last = first.value
        while let s = scalars.next() {
            guard isVariableContinuation(s.value) || s.value == 0x2D || s.value == 0x2E else { return false }
            last = s.value
        }
        return last != 0x2E
    }

    /// Turtle's `LANGTAG` without `@`: `[a-zA-Z]+ ('-' [a-zA-Z0-9]+)*`.
    static func isLanguageTag(_ tag: String) -> Bool {
        var first = true, partLength = 0
        for b in tag.utf8 {
            if b == 0x2D {
                guard partLength > 0 else { return false }
                first = false
                partLength = 0
            } else if isASCIILetter(b) || (!first && isDigit(b)) {
                partLength += 1
            } else {
                return false
            }
        }
        return partLength > 0
    }

    @inline(__always) static func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// The datatype Turtle gives `text` written bare (`INTEGER`, `DECIMAL` or `DOUBLE`), or `nil`
    /// when `text` is not one of those forms.
    static func abbreviatedNumberDatatype(_ text: some Collection<UInt8>) -> String? {
        var i = text.startIndex
        if i < text.endIndex, text[i] == 0x2B || text[i] == 0x2D { i = text.index(after: i) }
        var integerDigits = 0
        while i < text.endIndex, isDigit(text[i]) { integerDigits += 1; i = text.index(after: i) }
        var fractionDigits = 0, hasDot = false
        if i < text.endIndex, text[i] == 0x2E {
            hasDot = true
            i = text.index(after: i)
            while i < text.endIndex, isDigit(text[i]) { fractionDigits += 1; i = text.index(after: i) }
        }
        if i == text.endIndex {
            if !hasDot { return integerDigits > 0 ? XSD.integer : nil }
            return fractionDigits > 0 ? XSD.decimal : nil
        }
        guard text[i] | 0x20 == 0x65, integerDigits + fractionDigits > 0 else { return nil }
        i = text.index(after: i)
        if i < text.endIndex, text[i] == 0x2B || text[i] == 0x2D { i = text.index(after: i) }
        var exponentDigits = 0
        while i < text.endIndex, isDigit(text[i]) { exponentDigits += 1; i = text.index(after: i) }
        return i == text.endIndex && exponentDigits > 0 ? XSD.double : nil
    }
}
