import QuiverCore

/// Writes the SPARQL 1.1 Query Results JSON Format, one binding object per row.
///
/// Terms are `{"type":"uri"|"literal"|"bnode","value":…}`, literals with `xml:lang` or
/// `datatype` (a literal without a datatype is a simple literal, `xsd:string`). Strings are
/// escaped per RFC 8259: `"` and `\`, and every control character below U+0020 (as `\n`, `\t`, …
/// or `\u00XX`); other characters are written as UTF-8.
///
/// ```swift
/// var out: [UInt8] = []
/// var writer = try JSONResultsWriter(variables: ["s"], into: &out)
/// try writer.write([.literal("chat", datatype: nil, language: "fr")], into: &out)
/// writer.finish(into: &out)
/// // {"head":{"vars":["s"]},"results":{"bindings":[
/// // {"s":{"type":"literal","value":"chat","xml:lang":"fr"}}
/// // ]}}
/// ```
public struct JSONResultsWriter: SolutionWriter, Sendable {
    private var checker: RowChecker
    /// `"name":` for each variable, escaped once.
    private let keys: [[UInt8]]

    public init(variables: [String], into out: inout [UInt8]) throws {
        checker = try RowChecker(variables: variables)
        keys = variables.map { name in
            var key: [UInt8] = []
            Self.appendString(name, to: &key)
            key.append(0x3A)
            return key
        }
        out.append("{\"head\":{\"vars\":[")
        for (i, name) in variables.enumerated() {
            if i > 0 { out.append(0x2C) }
            Self.appendString(name, to: &out)
        }
        out.append("]},\"results\":{\"bindings\":[\n")
    }

    public mutating func write(_ row: [Term?], into out: inout [UInt8]) throws {
        let number = try checker.begin(row)
        let variables = checker.variables
        try out.appendingAll { out in
            if number > 1 { out.append(",\n") }
            out.append(0x7B)
            var first = true
            for (column, slot) in row.enumerated() {
                guard let term = slot else { continue }
                if !first { out.append(0x2C) }
                first = false
                out.append(contentsOf: keys[column])
                switch term {
                case .iri(let iri):
                    out.append("{\"type\":\"uri\",\"value\":")
                    Self.appendString(iri, to: &out)
                case .blank(let label):
                    out.append("{\"type\":\"bnode\",\"value\":")
                    Self.appendString(label, to: &out)
                case .literal(let value, let datatype, let language):
                    out.append("{\"type\":\"literal\",\"value\":")
                    Self.appendString(value, to: &out)
                    if let language {
                        out.append(",\"xml:lang\":")
                        Self.appendString(language, to: &out)
                    } else if let datatype {
                        out.append(",\"datatype\":")
                        Self.appendString(datatype, to: &out)
                    }
                case .name(let name):
                    throw ResultsWriteError.nameTerm(variable: variables[column], row: number, name: name)
                }
                out.append(0x7D)
            }
            out.append(0x7D)
        }
    }

    public mutating func finish(into out: inout [UInt8]) {
        out.append("\n]}}\n")
    }

    public static func writeBoolean(_ value: Bool, into out: inout [UInt8]) throws {
        out.append(value ? "{\"head\":{},\"boolean\":true}\n" : "{\"head\":{},\"boolean\":false}\n")
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `text` as a JSON string, quotes included.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                runStart = i + 1
                switch b {
                case 0x22: out.append("\\\"")
                case 0x5C: out.append("\\\\")
                case 0x0A: out.append("\\n")
                case 0x0D: out.append("\\r")
                case 0x09: out.append("\\t")
                case 0x08: out.append("\\b")
                case 0x0C: out.append("\\f")
                default:
                    out.append("\\u00")
                    out.append(hexDigits[Int(b >> 4)])
                    out.append(hexDigits[Int(b & 0xF)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        out.append(0x22)
    }
}
