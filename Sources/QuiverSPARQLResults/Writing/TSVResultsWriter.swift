import QuiverCore

/// Writes the SPARQL 1.1 Query Results TSV Format: every term in its SPARQL/Turtle syntax.
///
/// The header lists the variables with `?`; lines end with a line feed; an unbound variable is an
/// empty field. IRIs are `<…>` (characters Turtle forbids inside, such as spaces, `>` or `"`, as
/// `\u00XX`); blank nodes `_:label`; literals `"…"` with `@lang` or `^^<datatype>` (none for a
/// simple literal, `xsd:string`). In a literal `\`, `"`, tab, line feed and carriage return are
/// written `\\`, `\"`, `\t`, `\n`, `\r`, other control characters `\u00XX`, so a field never holds
/// a tab or a line break. Integers, decimals and doubles whose lexical form is Turtle's bare
/// number syntax are written bare (`4`, `5.5`, `1.0e6`), as the format allows; others in full
/// (`"5"^^<…#decimal>`, since a bare `5` would read back as an integer).
///
/// Refused: a language tag or a blank node label that Turtle cannot write
/// (`ResultsWriteError.invalidLanguageTag`, `.invalidBlankNodeLabel`), and ASK answers, for which
/// the format has no form (`.booleanInTabularFormat`).
///
/// ```swift
/// var out: [UInt8] = []
/// var writer = try TSVResultsWriter(variables: ["s", "n"], into: &out)
/// try writer.write([.iri("http://example/a"), .literal("4", datatype: XSD.integer, language: nil)], into: &out)
/// writer.finish(into: &out)
/// // ?s\t?n\n<http://example/a>\t4\n
/// ```
public struct TSVResultsWriter: SolutionWriter, Sendable {
    private var checker: RowChecker

    public init(variables: [String], into out: inout [UInt8]) throws {
        checker = try RowChecker(variables: variables)
        for (i, name) in variables.enumerated() {
            if i > 0 { out.append(0x09) }
            out.append(0x3F)
            out.append(contentsOf: name.utf8)
        }
        out.append(0x0A)
    }

    public mutating func write(_ row: [Term?], into out: inout [UInt8]) throws {
        let number = try checker.begin(row)
        let variables = checker.variables
        try out.appendingAll { out in
            for (column, slot) in row.enumerated() {
                if column > 0 { out.append(0x09) }
                guard let term = slot else { continue }
                switch term {
                case .iri(let iri):
                    Self.appendIRI(iri, to: &out)
                case .blank(let label):
                    guard TermSyntax.isBlankNodeLabel(label) else {
                        throw ResultsWriteError.invalidBlankNodeLabel(variable: variables[column], row: number, label: label)
                    }
                    out.append("_:")
                    out.append(contentsOf: label.utf8)
                case .literal(let value, let datatype, let language):
                    if let language {
                        guard TermSyntax.isLanguageTag(language) else {
                            throw ResultsWriteError.invalidLanguageTag(variable: variables[column], row: number, tag: language)
                        }
                        Self.appendQuoted(value, to: &out)
                        out.append(0x40)
                        out.append(contentsOf: language.utf8)
                    } else if let datatype {
                        if datatype == XSD.integer || datatype == XSD.decimal || datatype == XSD.double,
                           TermSyntax.abbreviatedNumberDatatype(value.utf8) == datatype {
                            out.append(contentsOf: value.utf8)
                        } else {
                            Self.appendQuoted(value, to: &out)
                            out.append("^^")
                            Self.appendIRI(datatype, to: &out)
                        }
                    } else {
                        Self.appendQuoted(value, to: &out)
                    }
                case .name(let name):
                    throw ResultsWriteError.nameTerm(variable: variables[column], row: number, name: name)
                }
            }
            out.append(0x0A)
        }
    }

    public mutating func finish(into out: inout [UInt8]) {}

    public static func writeBoolean(_ value: Bool, into out: inout [UInt8]) throws {
        throw ResultsWriteError.booleanInTabularFormat(.tsv)
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func appendUCHAR(_ b: UInt8, to out: inout [UInt8]) {
        out.append("\\u00")
        out.append(hexDigits[Int(b >> 4)])
        out.append(hexDigits[Int(b & 0xF)])
    }

    /// `<iri>`, with the characters Turtle's `IRIREF` excludes written as `\u00XX`.
    static func appendIRI(_ iri: String, to out: inout [UInt8]) {
        out.append(0x3C)
        for b in iri.utf8 {
            switch b {
            case 0x00...0x20, 0x3C, 0x3E, 0x22, 0x7B, 0x7D, 0x7C, 0x5E, 0x60, 0x5C: appendUCHAR(b, to: &out)
            default: out.append(b)
            }
        }
        out.append(0x3E)
    }

    /// `"text"` with Turtle's escapes.
    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        for b in text.utf8 {
            switch b {
            case 0x22: out.append("\\\"")
            case 0x5C: out.append("\\\\")
            case 0x09: out.append("\\t")
            case 0x0A: out.append("\\n")
            case 0x0D: out.append("\\r")
            case 0x00..<0x20, 0x7F: appendUCHAR(b, to: &out)
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}
