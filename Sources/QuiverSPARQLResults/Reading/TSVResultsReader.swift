import QuiverCore

/// Reads the SPARQL 1.1 Query Results TSV Format.
///
/// The header lists the variables as `?name` (or `$name`); each line after it is a row of
/// tab-separated fields, an empty field an unbound variable, any other one RDF term in Turtle
/// syntax: `<iri>`, `_:label`, a quoted literal (`"…"`, `'…'`, or their long forms) with
/// `@lang` or `^^<datatype>`, a bare number (`4` is an `xsd:integer`, `5.5` an `xsd:decimal`,
/// `1.0e6` an `xsd:double`) or `true`/`false`. Prefixed names are refused: the format has no
/// prefixes. Lines end with LF (CRLF is accepted); spaces around a field are ignored.
///
/// ```swift
/// let tsv = "?s\t?n\n<http://example/a>\t\"chat\"@fr\n"
/// try TSVResultsReader.read(Array(tsv.utf8))
/// // .solutions(["s", "n"]: [[.iri("http://example/a"), .literal("chat", datatype: nil, language: "fr")]])
/// ```
public enum TSVResultsReader {
    public static func read(_ bytes: [UInt8]) throws -> QueryResults {
        if let bad = UTF8Validation.firstInvalidOffset(bytes) {
            throw ResultsReadError(format: .tsv, bytes: bytes, offset: bad, found: "a byte that is not UTF-8", expected: "UTF-8 text")
        }
        var lines = TSVLines(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { lines.position = 3 }
        guard let header = lines.next() else {
            throw ResultsReadError(format: .tsv, bytes: bytes, offset: 0, found: "end of input", expected: "a header line naming the variables")
        }
        var variables: [String] = []
        if !header.isEmpty {
            for field in fields(of: header, in: bytes) {
                let name = String(decoding: bytes[field].dropFirst(), as: UTF8.self)
                guard let sigil = bytes[field].first, sigil == 0x3F || sigil == 0x24, TermSyntax.isVariableName(name) else {
                    throw ResultsReadError(format: .tsv, bytes: bytes, offset: field.lowerBound,
                                           found: TextPosition.excerpt(bytes, at: field.lowerBound), expected: "a variable, like ?name")
                }
                guard !variables.contains(name) else {
                    throw ResultsReadError(format: .tsv, bytes: bytes, offset: field.lowerBound, found: "?\(name) again", expected: "each variable once")
                }
                variables.append(name)
            }
        }
        var answer = SolutionSequence(variables: variables)
        while let line = lines.next() {
            if variables.isEmpty, line.isEmpty {
                answer.rows.append([])
                continue
            }
            let cells = fields(of: line, in: bytes)
            guard cells.count == variables.count else {
                let offset = cells.count > variables.count ? cells[variables.count].lowerBound : line.upperBound
                throw ResultsReadError(format: .tsv, bytes: bytes, offset: offset, found: "\(cells.count) fields",
                                       expected: "\(variables.count), one per variable")
            }
            var row: [Term?] = []
            row.reserveCapacity(cells.count)
            for cell in cells {
                var parser = TurtleTermParser(bytes: bytes, position: cell.lowerBound, end: cell.upperBound)
                row.append(try parser.parseField())
            }
            answer.rows.append(row)
        }
        return .solutions(answer)
    }

    /// The tab-separated fields of a line.
    private static func fields(of line: Range<Int>, in bytes: [UInt8]) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var start = line.lowerBound
        for i in line where bytes[i] == 0x09 {
            fields.append(start..<i)
            start = i + 1
        }
        fields.append(start..<line.upperBound)
        return fields
    }
}

/// The lines of the input, without their line ends.
struct TSVLines {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The next line's range, or nil at the end of the input (a last line without a line end counts).
    mutating func next() -> Range<Int>? {
        guard position < bytes.count else { return nil }
        let start = position
        while position < bytes.count, bytes[position] != 0x0A { position += 1 }
        var end = position
        if position < bytes.count { position += 1 }
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return start..<end
    }
}
