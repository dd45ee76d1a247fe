import QuiverCore

/// Writes the SPARQL Query Results XML Format (Second Edition).
///
/// Text is escaped as XML 1.0 requires (`&lt;`, `&amp;`, `&gt;`, and `&quot;` in attributes);
/// carriage returns are written `&#13;` (and tabs and line feeds in attributes `&#9;`, `&#10;`)
/// so that a parser's line-end and attribute normalization gives the same string back.
/// XML 1.0 cannot carry U+0000, the other C0 control characters, U+FFFE or U+FFFF at all, not even
/// as character references: a term holding one is refused with
/// `ResultsWriteError.unrepresentableCharacter` rather than written in a form readers would
/// reject or alter. JSON and TSV carry every character.
///
/// ```swift
/// var out: [UInt8] = []
/// var writer = try XMLResultsWriter(variables: ["x"], into: &out)
/// try writer.write([.literal("1", datatype: XSD.integer, language: nil)], into: &out)
/// writer.finish(into: &out)
/// // <?xml version="1.0"?>
/// // <sparql xmlns="http://www.w3.org/2005/sparql-results#">
/// // <head><variable name="x"/></head>
/// // <results>
/// // <result><binding name="x"><literal datatype="http://www.w3.org/2001/XMLSchema#integer">1</literal></binding></result>
/// // </results>
/// // </sparql>
/// ```
public struct XMLResultsWriter: SolutionWriter, Sendable {
    public static let namespace = "http://www.w3.org/2005/sparql-results#"

    private var checker: RowChecker
    /// `<binding name="…">` for each variable, escaped once.
    private let bindingOpeners: [[UInt8]]

    public init(variables: [String], into out: inout [UInt8]) throws {
        checker = try RowChecker(variables: variables)
        bindingOpeners = variables.map { Array("<binding name=\"\($0)\">".utf8) }
        out.append("<?xml version=\"1.0\"?>\n<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">\n<head>")
        // VARNAMEs hold no character XML escapes.
        for name in variables { out.append(contentsOf: Array("<variable name=\"\(name)\"/>".utf8)) }
        out.append("</head>\n<results>\n")
    }

    public mutating func write(_ row: [Term?], into out: inout [UInt8]) throws {
        let number = try checker.begin(row)
        let variables = checker.variables
        try out.appendingAll { out in
            out.append("<result>")
            for (column, slot) in row.enumerated() {
                guard let term = slot else { continue }
                let refuse = { (scalar: UInt32) in
                    ResultsWriteError.unrepresentableCharacter(format: .xml, variable: variables[column], row: number, scalar: scalar)
                }
                out.append(contentsOf: bindingOpeners[column])
                switch term {
                case .iri(let iri):
                    out.append("<uri>")
                    try Self.appendEscaped(iri, inAttribute: false, to: &out, refuse: refuse)
                    out.append("</uri>")
                case .blank(let label):
                    out.append("<bnode>")
                    try Self.appendEscaped(label, inAttribute: false, to: &out, refuse: refuse)
                    out.append("</bnode>")
                case .literal(let value, let datatype, let language):
                    if let language {
                        out.append("<literal xml:lang=\"")
                        try Self.appendEscaped(language, inAttribute: true, to: &out, refuse: refuse)
                        out.append("\">")
                    } else if let datatype {
                        out.append("<literal datatype=\"")
                        try Self.appendEscaped(datatype, inAttribute: true, to: &out, refuse: refuse)
                        out.append("\">")
                    } else {
                        out.append("<literal>")
                    }
                    try Self.appendEscaped(value, inAttribute: false, to: &out, refuse: refuse)
                    out.append("</literal>")
                case .name(let name):
                    throw ResultsWriteError.nameTerm(variable: variables[column], row: number, name: name)
                }
                out.append("</binding>")
            }
            out.append("</result>\n")
        }
    }

    public mutating func finish(into out: inout [UInt8]) {
        out.append("</results>\n</sparql>\n")
    }

    public static func writeBoolean(_ value: Bool, into out: inout [UInt8]) throws {
        out.append("<?xml version=\"1.0\"?>\n<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">\n<head></head>\n")
        out.append(value ? "<boolean>true</boolean>\n</sparql>\n" : "<boolean>false</boolean>\n</sparql>\n")
    }

    /// Appends `text` escaped for element content or a double-quoted attribute; throws `refuse(scalar)`
    /// for a character XML 1.0 cannot carry.
    static func appendEscaped(
        _ text: String, inAttribute: Bool, to out: inout [UInt8], refuse: (UInt32) -> ResultsWriteError
    ) throws {
        var text = text
        try text.withUTF8 { bytes in
            var runStart = 0
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                let replacement: StaticString
                switch b {
                case 0x3C: replacement = "&lt;"
                case 0x3E: replacement = "&gt;"
                case 0x26: replacement = "&amp;"
                case 0x22 where inAttribute: replacement = "&quot;"
                case 0x0D: replacement = "&#13;"
                case 0x09 where inAttribute: replacement = "&#9;"
                case 0x0A where inAttribute: replacement = "&#10;"
                case 0x09, 0x0A:
                    i += 1
                    continue
                case 0x00..<0x20:
                    throw refuse(UInt32(b))
                case 0xEF where i + 2 < bytes.count && bytes[i + 1] == 0xBF && (bytes[i + 2] == 0xBE || bytes[i + 2] == 0xBF):
                    throw refuse(bytes[i + 2] == 0xBE ? 0xFFFE : 0xFFFF)
                default:
                    i += 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                out.append(replacement)
                i += 1
                runStart = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
    }
}
