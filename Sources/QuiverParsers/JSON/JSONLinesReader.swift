import QuiverCore

/// The keys that name a JSON Lines triple's subject, predicate and object.
private let jsonLinesRoleNames = [["s", "subject", "head"], ["p", "predicate", "relation"], ["o", "object", "tail"]]

/// XML Schema datatypes given to JSON numbers and booleans.
enum JSONLiteralDatatype {
    static let integer = XSD.integer
    static let double = XSD.double
    static let boolean = XSD.boolean
}

/// Reads JSON Lines: one object per line with the triple under the keys `s`, `p`, `o` (or
/// `subject`/`predicate`/`object`, or `head`/`relation`/`tail`).
///
/// A string value becomes a plain name (`Term.name`); a number a literal typed `xsd:integer` (no
/// fraction or exponent) or `xsd:double`, with its text as written; `true`/`false` an `xsd:boolean`
/// literal. Other keys are ignored. Blank lines and a leading byte order mark are skipped.
///
/// Errors (`ParseError` with line and column): a line that is not an object, a missing or repeated
/// subject/predicate/object key (reported at the object's closing `}` or at the repeated key), a
/// value that is `null`, an object, an array or an empty string, text after the object on its line,
/// and any JSON syntax error.
///
/// ```swift
/// var reader = JSONLinesReader(source: MemoryByteSource(#"{"s":"paris","p":"population","o":2102650}"#),
///                              fileName: "facts.jsonl")
/// ```
public struct JSONLinesReader<Source: ByteSource>: TripleReader {
    /// The file name used in errors (`-` for standard input).
    public var fileName: String { parser.fileName }
    private var parser: JSONLinesParser
    private var failure: ParseError?

    /// - Parameters:
    ///   - source: the bytes to parse.
    ///   - fileName: the name shown in errors.
    ///   - chunkSize: how many bytes to ask the source for at a time.
    public init(source: Source, fileName: String = "-", chunkSize: Int = 1 << 20) {
        parser = JSONLinesParser(scanner: JSONScanner(source: source, fileName: fileName, chunkSize: chunkSize))
    }

    public mutating func readBatch(into batch: inout [Triple], maxCount: Int) throws -> Bool {
        if let failure { throw failure }
        do {
            return try parser.read(into: &batch, maxCount: maxCount) > 0
        } catch let error as ParseError {
            failure = error
            throw error
        }
    }
}

/// The JSON Lines record parser behind `JSONLinesReader`, free of the source type so it is compiled once.
struct JSONLinesParser {
    private var scanner: JSONScanner
    private var started = false

    init(scanner: JSONScanner) {
        self.scanner = scanner
    }

    var fileName: String { scanner.fileName }

    mutating func read(into batch: inout [Triple], maxCount: Int) throws -> Int {
        if !started {
            try scanner.skipByteOrderMark()
            started = true
        }
        var produced = 0
        while produced < maxCount, let triple = try readLine() {
            batch.append(triple)
            produced += 1
        }
        return produced
    }

    private mutating func readLine() throws -> Triple? {
        try scanner.skipWhitespace()
        guard try scanner.peek() != nil else { return nil }
        var terms: [Term?] = [nil, nil, nil]
        if try scanner.beginObject(expected: "a JSON object") {
            repeat {
                let (key, keyAt) = try scanner.readKey()
                if let role = jsonLinesRoleNames.firstIndex(where: { $0.contains(key) }) {
                    guard terms[role] == nil else {
                        throw scanner.error(
                            at: keyAt, found: "a second \(Self.describe(role: role)) key \"\(key)\"",
                            expected: "one key for each of subject, predicate and object")
                    }
                    terms[role] = try readTerm()
                } else {
                    try scanner.skipValue()
                }
            } while try scanner.nextMember()
        }
        let close = scanner.lastClose
        for role in 0 ..< 3 where terms[role] == nil {
            let names = jsonLinesRoleNames[role].map { "\"\($0)\"" }
            throw scanner.error(
                at: close, found: "'}'", expected: "key \(names[0]) (or \(names[1]), \(names[2]))")
        }
        try scanner.skipSpacesOnLine()
        if let next = try scanner.peek(), next != 0x0A {
            throw try scanner.errorHere(expected: "the end of the line after the JSON object")
        }
        guard let s = terms[0], let p = terms[1], let o = terms[2] else { return nil }
        return Triple(s, p, o)
    }

    private static func describe(role: Int) -> String {
        switch role {
        case 0: "subject"
        case 1: "predicate"
        default: "object"
        }
    }

    private mutating func readTerm() throws -> Term {
        let at = scanner.position
        let expected = "a string, number or boolean"
        guard let first = try scanner.peek() else { throw try scanner.errorHere(expected: expected) }
        switch first {
        case 0x22:
            let value = try scanner.readString()
            guard !value.isEmpty else {
                throw scanner.error(at: at, found: "an empty string", expected: "a non-empty name")
            }
            return .name(value)
        case 0x2D, 0x30 ... 0x39:
            let (lexical, isInteger) = try scanner.readNumber()
            return .literal(
                lexical, datatype: isInteger ? JSONLiteralDatatype.integer : JSONLiteralDatatype.double, language: nil)
        case 0x74, 0x66:
            let word = try scanner.readWord()
            guard word == "true" || word == "false" else {
                throw scanner.error(at: at, found: "'\(word)'", expected: expected)
            }
            return .literal(word, datatype: JSONLiteralDatatype.boolean, language: nil)
        default:
            throw try scanner.errorHere(expected: expected)
        }
    }
}

extension JSONLinesReader where Source == AnyByteSource {
    /// Opens `path` with `openInput(path:)` (`-` is standard input; gzip is detected by content).
    public init(path: String) throws {
        self.init(source: AnyByteSource(try openInput(path: path)), fileName: path)
    }
}
