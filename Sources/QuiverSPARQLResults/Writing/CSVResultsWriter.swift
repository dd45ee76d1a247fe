import QuiverCore

/// Writes the SPARQL 1.1 Query Results CSV Format.
///
/// The header names the variables (without `?`); each row gives every term as a plain string,
/// which loses what kind of term it was, by design of the format: an IRI as the IRI, a literal as
/// its lexical form (no language, no datatype), a blank node as `_:label`, an unbound variable as
/// an empty field. Fields holding `"`, `,`, a carriage return or a line feed are quoted, quotes
/// doubled (RFC 4180); lines end with CRLF.
///
/// The format describes SELECT results only: `writeBoolean` throws
/// `ResultsWriteError.booleanInTabularFormat` rather than invent a table for an ASK answer.
///
/// ```swift
/// var out: [UInt8] = []
/// var writer = try CSVResultsWriter(variables: ["s", "label"], into: &out)
/// try writer.write([.iri("http://example/a"), .literal("a, b", datatype: nil, language: "en")], into: &out)
/// writer.finish(into: &out)
/// // s,label\r\nhttp://example/a,"a, b"\r\n
/// ```
public struct CSVResultsWriter: SolutionWriter, Sendable {
    private var checker: RowChecker

    public init(variables: [String], into out: inout [UInt8]) throws {
        checker = try RowChecker(variables: variables)
        for (i, name) in variables.enumerated() {
            if i > 0 { out.append(0x2C) }
            out.append(contentsOf: name.utf8)   // a VARNAME needs no quotes
        }
        out.append("\r\n")
    }

    public mutating func write(_ row: [Term?], into out: inout [UInt8]) throws {
        let number = try checker.begin(row)
        let variables = checker.variables
        try out.appendingAll { out in
            for (column, slot) in row.enumerated() {
                if column > 0 { out.append(0x2C) }
                switch slot {
                case nil: break
                case .iri(let text)?, .literal(let text, _, _)?: Self.appendField(text, prefix: false, to: &out)
                case .blank(let label)?: Self.appendField(label, prefix: true, to: &out)
                case .name(let name)?: throw ResultsWriteError.nameTerm(variable: variables[column], row: number, name: name)
                }
            }
            out.append("\r\n")
        }
    }

    public mutating func finish(into out: inout [UInt8]) {}

    public static func writeBoolean(_ value: Bool, into out: inout [UInt8]) throws {
        throw ResultsWriteError.booleanInTabularFormat(.csv)
    }

    /// Appends one field, quoted when it must be; `prefix` puts `_:` before a blank node's label.
    static func appendField(_ text: String, prefix: Bool, to out: inout [UInt8]) {
        let needsQuotes = text.utf8.contains { $0 == 0x22 || $0 == 0x2C || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            if prefix { out.append("_:") }
            out.append(contentsOf: text.utf8)
            return
        }
        out.append(0x22)
        if prefix { out.append("_:") }
        for b in text.utf8 {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        out.append(0x22)
    }
}
