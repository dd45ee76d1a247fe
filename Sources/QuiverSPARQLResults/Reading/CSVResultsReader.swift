import QuiverCore

/// Reads the SPARQL 1.1 Query Results CSV Format (RFC 4180 records, CRLF or LF line ends).
///
/// CSV keeps only strings, so reading gives back what the format holds and no more: a field of
/// the form `_:label` is the blank node `label` (the format's spelling of blank nodes), an empty
/// field an unbound variable, and any other field a simple literal, whether it was written from
/// an IRI, a typed or a language-tagged literal. (An empty string literal was also written as an
/// empty field, and reads back unbound.) `ResultsEquivalence.csvForm` maps results the same way,
/// to compare them with what CSV reads back.
///
/// ```swift
/// let csv = "s,o\r\nhttp://example/a,_:b0\r\n"
/// try CSVResultsReader.read(Array(csv.utf8))
/// // .solutions(["s", "o"]: [[.literal("http://example/a", datatype: nil, language: nil), .blank("b0")]])
/// ```
public enum CSVResultsReader {
    public static func read(_ bytes: [UInt8]) throws -> QueryResults {
        if let bad = UTF8Validation.firstInvalidOffset(bytes) {
            throw ResultsReadError(format: .csv, bytes: bytes, offset: bad, found: "a byte that is not UTF-8", expected: "UTF-8 text")
        }
        var scanner = CSVScanner(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { scanner.position = 3 }
        guard let header = try scanner.nextRecord() else {
            throw ResultsReadError(format: .csv, bytes: bytes, offset: 0, found: "end of input", expected: "a header line naming the variables")
        }
        var variables: [String] = []
        if !(header.count == 1 && header[0].text.isEmpty) {
            for field in header {
                guard TermSyntax.isVariableName(field.text) else {
                    throw ResultsReadError(format: .csv, bytes: bytes, offset: field.offset, found: ResultsWriteError.quoted(field.text),
                                           expected: "a variable name")
                }
                guard !variables.contains(field.text) else {
                    throw ResultsReadError(format: .csv, bytes: bytes, offset: field.offset, found: "\(field.text) again", expected: "each variable once")
                }
                variables.append(field.text)
            }
        }
        var answer = SolutionSequence(variables: variables)
        while let record = try scanner.nextRecord() {
            if variables.isEmpty, record.count == 1, record[0].text.isEmpty {
                answer.rows.append([])
                continue
            }
            guard record.count == variables.count else {
                let offset = record.count > variables.count ? record[variables.count].offset : record[record.count - 1].offset
                throw ResultsReadError(format: .csv, bytes: bytes, offset: offset, found: "\(record.count) fields",
                                       expected: "\(variables.count), one per variable")
            }
            answer.rows.append(record.map { field in
                if field.text.isEmpty { return nil }
                if field.text.hasPrefix("_:"), field.text.utf8.count > 2 { return .blank(String(field.text.dropFirst(2))) }
                return .literal(field.text, datatype: nil, language: nil)
            })
        }
        return .solutions(answer)
    }
}

/// RFC 4180 records, field by field.
struct CSVScanner {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The next record's fields and their offsets, or nil at the end of the input.
    mutating func nextRecord() throws -> [(text: String, offset: Int)]? {
        guard position < bytes.count else { return nil }
        var fields: [(text: String, offset: Int)] = []
        while true {
            let start = position
            var text: [UInt8] = []
            if position < bytes.count, bytes[position] == 0x22 {
                position += 1
                while true {
                    guard position < bytes.count else {
                        throw ResultsReadError(format: .csv, bytes: bytes, offset: start, found: "a quoted field never closed",
                                               expected: "`\"` closing it")
                    }
                    let b = bytes[position]
                    position += 1
                    if b != 0x22 { text.append(b); continue }
                    if position < bytes.count, bytes[position] == 0x22 { text.append(0x22); position += 1; continue }
                    break
                }
            } else {
                while position < bytes.count, bytes[position] != 0x2C, bytes[position] != 0x0A, bytes[position] != 0x0D {
                    if bytes[position] == 0x22 {
                        throw ResultsReadError(format: .csv, bytes: bytes, offset: position, found: "`\"` inside an unquoted field",
                                               expected: "quotes only around a whole field")
                    }
                    text.append(bytes[position])
                    position += 1
                }
            }
            fields.append((String(decoding: text, as: UTF8.self), start))
            guard position < bytes.count else { return fields }
            switch bytes[position] {
            case 0x2C:
                position += 1
            case 0x0D:
                position += 1
                if position < bytes.count, bytes[position] == 0x0A { position += 1 }
                return fields
            case 0x0A:
                position += 1
                return fields
            default:
                throw ResultsReadError(format: .csv, bytes: bytes, offset: position, found: TextPosition.excerpt(bytes, at: position),
                                       expected: "`,` or a line end after a quoted field")
            }
        }
    }
}
