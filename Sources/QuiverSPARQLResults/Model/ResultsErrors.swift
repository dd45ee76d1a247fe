import QuiverCore

/// Why a writer refused a value. A writer that throws leaves the output as it was before the call
/// (a refused row is not half written), so the caller may skip the row or stop.
///
/// ```swift
/// do { try writer.write([.name("usa")], into: &out) }
/// catch let error as ResultsWriteError { print(error) }   // ?x in row 1 is the plain name "usa", …
/// ```
public enum ResultsWriteError: PresentableError, Sendable, Equatable {
    /// A `.name` term: Quiver's plain names are not RDF terms. Map them with `TripleWriter.rdf` first.
    case nameTerm(variable: String, row: Int, name: String)
    /// A character the format cannot carry: XML 1.0 has no way to write most C0 control characters
    /// (U+0001–U+001F but tab, line feed and carriage return), U+0000, U+FFFE or U+FFFF, not even
    /// as character references.
    case unrepresentableCharacter(format: ResultsFormat, variable: String, row: Int, scalar: UInt32)
    /// CSV and TSV describe SELECT results only; an ASK answer has no form there.
    case booleanInTabularFormat(ResultsFormat)
    /// A variable name that is not a SPARQL `VARNAME`.
    case invalidVariableName(String)
    case duplicateVariable(String)
    /// A row with a slot count other than the variable count.
    case rowWidth(row: Int, expected: Int, found: Int)
    /// TSV writes terms in Turtle syntax, where a language tag is `[a-zA-Z]+(-[a-zA-Z0-9]+)*`.
    case invalidLanguageTag(variable: String, row: Int, tag: String)
    /// TSV writes blank nodes as Turtle `_:label`, which allows only some characters in a label.
    case invalidBlankNodeLabel(variable: String, row: Int, label: String)

    public var category: ErrorCategory { .invalidInput }

    public var message: ErrorMessage {
        switch self {
        case .nameTerm(let variable, let row, let name):
            "?\(variable) in row \(row) is the plain name \(Self.quoted(name)), which is not an RDF term; map names to IRIs before writing SPARQL results"
        case .unrepresentableCharacter(let format, let variable, let row, let scalar):
            "?\(variable) in row \(row) holds U+\(Self.hex(scalar)), which \(format) results cannot carry"
        case .booleanInTabularFormat(let format):
            "the \(format) results format has no form for an ASK answer; use JSON or XML"
        case .invalidVariableName(let name):
            "\(Self.quoted(name)) is not a SPARQL variable name"
        case .duplicateVariable(let name):
            "the variable ?\(name) is listed twice"
        case .rowWidth(let row, let expected, let found):
            "row \(row) has \(found) values for \(expected) variables"
        case .invalidLanguageTag(let variable, let row, let tag):
            "?\(variable) in row \(row) has the language tag \(Self.quoted(tag)), which TSV (Turtle syntax) cannot write"
        case .invalidBlankNodeLabel(let variable, let row, let label):
            "?\(variable) in row \(row) is the blank node \(Self.quoted(label)), whose label TSV (Turtle syntax) cannot write"
        }
    }

    static func hex(_ scalar: UInt32) -> String {
        let digits = String(scalar, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars.prefix(80) {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += "\\u" + hex(scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + (text.unicodeScalars.count > 80 ? "…\"" : "\"")
    }
}

/// Why a reader refused its input: where (line and column, 1-based, the column counting Unicode
/// scalars; in JSON also the path of the value, like `results.bindings[3].o.type`), what was
/// found there and what was expected.
///
/// ```swift
/// do { _ = try ResultsReader.read(bytes, as: .json) }
/// catch let error as ResultsReadError { print(error) }
/// // JSON results, line 4, column 18 (results.bindings[0].s.type): found "url", expected uri, literal or bnode
/// ```
public struct ResultsReadError: PresentableError, Sendable, Equatable {
    public var format: ResultsFormat
    public var line: Int
    public var column: Int
    /// In JSON, the path of the offending value (`head.vars[2]`); `nil` for a syntax error.
    public var path: String?
    public var found: String
    public var expected: String

    public init(format: ResultsFormat, line: Int, column: Int, path: String? = nil, found: String, expected: String) {
        self.format = format
        self.line = line
        self.column = column
        self.path = path
        self.found = found
        self.expected = expected
    }

    /// An error at byte `offset` of `bytes`, its line and column counted from the start.
    init(format: ResultsFormat, bytes: [UInt8], offset: Int, path: String? = nil, found: String, expected: String) {
        let (line, column) = TextPosition.lineAndColumn(of: offset, in: bytes)
        self.init(format: format, line: line, column: column, path: path, found: found, expected: expected)
    }

    public var category: ErrorCategory { .invalidInput }

    public var message: ErrorMessage {
        let at = path.map { " (\($0))" } ?? ""
        return "\(format) results, line \(line), column \(column)\(at): found \(found), expected \(expected)"
    }
}

enum TextPosition {
    /// The 1-based line and column (in Unicode scalars) of a byte offset. Only computed for an
    /// error, so a plain scan from the start is fine.
    static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1, column = 1
        var i = 0
        let end = min(offset, bytes.count)
        while i < end {
            let b = bytes[i]
            if b == 0x0A {
                line += 1
                column = 1
            } else if b == 0x0D {
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A {} else {
                    line += 1
                    column = 1
                }
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }

    /// A short, printable excerpt of the input at `offset` for an error's `found`.
    static func excerpt(_ bytes: [UInt8], at offset: Int, limit: Int = 20) -> String {
        guard offset < bytes.count else { return "end of input" }
        var end = min(bytes.count, offset + limit)
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let text = String(decoding: bytes[offset..<end], as: UTF8.self)
        return ResultsWriteError.quoted(text) + (end < bytes.count ? "…" : "")
    }
}
