import QuiverCore

/// Reads the SPARQL 1.1 Query Results JSON Format.
///
/// Accepts what the specification allows, in any member order (`results` may come before
/// `head`), and the older `"type": "typed-literal"` some test files still use. Members the format
/// does not define (`head.link`, extensions) are skipped. Errors name the line, the column and the
/// JSON path of the value. Nesting deeper than `maximumDepth` is refused, so hostile input cannot
/// exhaust the stack.
///
/// ```swift
/// let json = #"{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"uri","value":"http://example/a"}}]}}"#
/// let answer = try JSONResultsReader.read(Array(json.utf8))
/// // .solutions(SolutionSequence(variables: ["x"], rows: [[.iri("http://example/a")]]))
/// ```
public enum JSONResultsReader {
    /// The deepest nesting of arrays and objects accepted (results need 5).
    public static let maximumDepth = 64

    public static func read(_ bytes: [UInt8]) throws -> QueryResults {
        if let bad = UTF8Validation.firstInvalidOffset(bytes) {
            throw ResultsReadError(format: .json, bytes: bytes, offset: bad, found: "a byte that is not UTF-8", expected: "UTF-8 text")
        }
        var parser = JSONParser(bytes: bytes)
        let document = try parser.parseDocument()
        return try Interpreter(bytes: bytes).results(document)
    }
}

/// A parsed JSON value and the byte offset where it starts.
struct JSONValue {
    indirect enum Kind {
        case object([(key: String, value: JSONValue)])
        case array([JSONValue])
        case string(String)
        case number
        case bool(Bool)
        case null
    }

    var kind: Kind
    var offset: Int

    /// How an error names this value.
    var summary: String {
        switch kind {
        case .object: "an object"
        case .array: "an array"
        case .string(let s): "the string " + ResultsWriteError.quoted(s)
        case .number: "a number"
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        }
    }
}

/// RFC 8259 JSON, recursive descent with a depth limit.
struct JSONParser {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseDocument() throws -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard position == bytes.count else { throw error("end of input after the document") }
        return value
    }

    private func error(_ expected: String, at offset: Int? = nil) -> ResultsReadError {
        let at = offset ?? position
        return ResultsReadError(format: .json, bytes: bytes, offset: at, found: TextPosition.excerpt(bytes, at: at), expected: expected)
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        skipWhitespace()
        let start = position
        guard position < bytes.count else { throw error("a JSON value") }
        switch bytes[position] {
        case 0x7B:
            guard depth < JSONResultsReader.maximumDepth else { throw error("nesting at most \(JSONResultsReader.maximumDepth) deep") }
            position += 1
            var members: [(key: String, value: JSONValue)] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == 0x7D {
                position += 1
                return JSONValue(kind: .object(members), offset: start)
            }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == 0x22 else { throw error("a member name in double quotes") }
                let key = try parseString()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == 0x3A else { throw error("`:` after a member name") }
                position += 1
                members.append((key, try parseValue(depth: depth + 1)))
                skipWhitespace()
                guard position < bytes.count else { throw error("`,` or `}`") }
                if bytes[position] == 0x2C { position += 1; continue }
                guard bytes[position] == 0x7D else { throw error("`,` or `}`") }
                position += 1
                return JSONValue(kind: .object(members), offset: start)
            }
        case 0x5B:
            guard depth < JSONResultsReader.maximumDepth else { throw error("nesting at most \(JSONResultsReader.maximumDepth) deep") }
            position += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == 0x5D {
                position += 1
                return JSONValue(kind: .array(elements), offset: start)
            }
            while true {
                elements.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard position < bytes.count else { throw error("`,` or `]`") }
                if bytes[position] == 0x2C { position += 1; continue }
                guard bytes[position] == 0x5D else { throw error("`,` or `]`") }
                position += 1
                return JSONValue(kind: .array(elements), offset: start)
            }
        case 0x22:
            return JSONValue(kind: .string(try parseString()), offset: start)
        case 0x74:
            try expectWord("true")
            return JSONValue(kind: .bool(true), offset: start)
        case 0x66:
            try expectWord("false")
            return JSONValue(kind: .bool(false), offset: start)
        case 0x6E:
            try expectWord("null")
            return JSONValue(kind: .null, offset: start)
        case 0x2D, 0x30...0x39:
            try parseNumber()
            return JSONValue(kind: .number, offset: start)
        default:
            throw error("a JSON value")
        }
    }

    private mutating func expectWord(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        let matches = word.withUTF8Buffer { w in
            position + count <= bytes.count && (0..<count).allSatisfy { bytes[position + $0] == w[$0] }
        }
        guard matches else { throw error("a JSON value") }
        position += count
    }

    private mutating func parseNumber() throws {
        func digits() -> Int {
            let start = position
            while position < bytes.count, TermSyntax.isDigit(bytes[position]) { position += 1 }
            return position - start
        }
        if bytes[position] == 0x2D { position += 1 }
        guard position < bytes.count, TermSyntax.isDigit(bytes[position]) else { throw error("a digit") }
        if bytes[position] == 0x30 { position += 1 } else { _ = digits() }
        if position < bytes.count, bytes[position] == 0x2E {
            position += 1
            guard digits() > 0 else { throw error("a digit after `.`") }
        }
        if position < bytes.count, bytes[position] | 0x20 == 0x65 {
            position += 1
            if position < bytes.count, bytes[position] == 0x2B || bytes[position] == 0x2D { position += 1 }
            guard digits() > 0 else { throw error("a digit in the exponent") }
        }
    }

    /// A string starting at the opening quote; leaves `position` after the closing one.
    private mutating func parseString() throws -> String {
        let opening = position
        position += 1
        var text: [UInt8] = []
        var runStart = position
        while true {
            guard position < bytes.count else { throw error("`\"` closing the string", at: opening) }
            let b = bytes[position]
            if b == 0x22 {
                text.append(contentsOf: bytes[runStart..<position])
                position += 1
                return String(decoding: text, as: UTF8.self)
            }
            if b < 0x20 { throw error("a character other than a control character (write it as an escape)") }
            if b != 0x5C { position += 1; continue }
            text.append(contentsOf: bytes[runStart..<position])
            let escape = position
            position += 1
            guard position < bytes.count else { throw error("an escape") }
            switch bytes[position] {
            case 0x22: text.append(0x22)
            case 0x5C: text.append(0x5C)
            case 0x2F: text.append(0x2F)
            case 0x62: text.append(0x08)
            case 0x66: text.append(0x0C)
            case 0x6E: text.append(0x0A)
            case 0x72: text.append(0x0D)
            case 0x74: text.append(0x09)
            case 0x75:
                position += 1
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard position + 1 < bytes.count, bytes[position] == 0x5C, bytes[position + 1] == 0x75 else {
                        throw error("a `\\u` low surrogate after a high surrogate", at: escape)
                    }
                    position += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("a low surrogate", at: position - 6) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw error("a character, not a lone low surrogate", at: escape)
                }
                guard let character = Unicode.Scalar(scalar) else { throw error("a character", at: escape) }
                UTF8.encode(character) { text.append($0) }
                runStart = position
                continue
            default:
                throw error("one of the escapes \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX", at: escape)
            }
            position += 1
            runStart = position
        }
    }

    private mutating func hex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < bytes.count, let digit = hexDigitValue(bytes[position]) else { throw error("four hexadecimal digits") }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

}

/// Turns a parsed document into results, naming the JSON path of anything out of place.
private struct Interpreter {
    let bytes: [UInt8]

    func error(_ value: JSONValue, _ path: String, found: String? = nil, expected: String) -> ResultsReadError {
        ResultsReadError(format: .json, bytes: bytes, offset: value.offset, path: path.isEmpty ? "the document" : path,
                         found: found ?? value.summary, expected: expected)
    }

    func object(_ value: JSONValue, _ path: String) throws -> [(key: String, value: JSONValue)] {
        guard case .object(let members) = value.kind else { throw error(value, path, expected: "an object") }
        return members
    }

    func string(_ value: JSONValue, _ path: String, expected: String = "a string") throws -> String {
        guard case .string(let s) = value.kind else { throw error(value, path, expected: expected) }
        return s
    }

    /// The one member named `key`, refusing a repeated one.
    func member(_ key: String, of members: [(key: String, value: JSONValue)], in object: JSONValue, _ path: String) throws -> JSONValue? {
        var found: JSONValue?
        for member in members where member.key == key {
            guard found == nil else {
                throw error(member.value, join(path, key), found: "a second \"\(key)\" member", expected: "each member once")
            }
            found = member.value
        }
        return found
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    func results(_ document: JSONValue) throws -> QueryResults {
        let top = try object(document, "")
        guard let headValue = try member("head", of: top, in: document, "") else {
            throw error(document, "", found: "no \"head\" member", expected: "an object with \"head\"")
        }
        let head = try object(headValue, "head")
        var variables: [String]?
        if let vars = try member("vars", of: head, in: headValue, "head") {
            guard case .array(let names) = vars.kind else { throw error(vars, "head.vars", expected: "an array of variable names") }
            var seen = Set<String>()
            variables = try names.enumerated().map { i, nameValue in
                let path = "head.vars[\(i)]"
                let name = try string(nameValue, path, expected: "a variable name")
                guard TermSyntax.isVariableName(name) else { throw error(nameValue, path, expected: "a SPARQL variable name") }
                guard seen.insert(name).inserted else { throw error(nameValue, path, expected: "each variable once") }
                return name
            }
        }
        let boolean = try member("boolean", of: top, in: document, "")
        let resultsValue = try member("results", of: top, in: document, "")
        switch (boolean, resultsValue) {
        case (let boolean?, nil):
            guard case .bool(let answer) = boolean.kind else { throw error(boolean, "boolean", expected: "true or false") }
            return .boolean(answer)
        case (nil, let resultsValue?):
            guard let variables else {
                throw error(headValue, "head", found: "no \"vars\" member", expected: "\"vars\" in the head of a solution sequence")
            }
            return .solutions(try solutions(resultsValue, variables: variables))
        case (_?, let resultsValue?):
            throw error(resultsValue, "results", found: "both \"boolean\" and \"results\"", expected: "one of them")
        case (nil, nil):
            throw error(document, "", found: "neither \"boolean\" nor \"results\"", expected: "one of them")
        }
    }

    func solutions(_ value: JSONValue, variables: [String]) throws -> SolutionSequence {
        let members = try object(value, "results")
        guard let bindings = try member("bindings", of: members, in: value, "results") else {
            throw error(value, "results", found: "no \"bindings\" member", expected: "an object with \"bindings\"")
        }
        guard case .array(let rows) = bindings.kind else { throw error(bindings, "results.bindings", expected: "an array") }
        var columns: [String: Int] = [:]
        for (i, name) in variables.enumerated() { columns[name] = i }
        var answer = SolutionSequence(variables: variables)
        answer.rows.reserveCapacity(rows.count)
        for (r, rowValue) in rows.enumerated() {
            let rowPath = "results.bindings[\(r)]"
            var row = [Term?](repeating: nil, count: variables.count)
            for member in try object(rowValue, rowPath) {
                let path = rowPath + "." + member.key
                guard let column = columns[member.key] else {
                    throw error(member.value, path, found: "the variable \(ResultsWriteError.quoted(member.key))", expected: "a variable listed in head.vars")
                }
                guard row[column] == nil else { throw error(member.value, path, found: "a second binding", expected: "each variable bound once") }
                row[column] = try term(member.value, path)
            }
            answer.rows.append(row)
        }
        return answer
    }

    func term(_ value: JSONValue, _ path: String) throws -> Term {
        let members = try object(value, path)
        func field(_ key: String) throws -> String? {
            try member(key, of: members, in: value, path).map { try string($0, join(path, key)) }
        }
        guard let typeValue = try member("type", of: members, in: value, path) else {
            throw error(value, path, found: "no \"type\" member", expected: "a term with \"type\" and \"value\"")
        }
        let type = try string(typeValue, join(path, "type"))
        guard let lexical = try field("value") else {
            throw error(value, path, found: "no \"value\" member", expected: "a term with \"type\" and \"value\"")
        }
        switch type {
        case "uri":
            return .iri(lexical)
        case "bnode":
            return .blank(lexical)
        case "literal", "typed-literal":
            let language = try field("xml:lang")
            var datatype = try field("datatype")
            if language != nil, let given = datatype {
                guard given == RDF.langString else {
                    throw error(value, path, found: "both \"xml:lang\" and the datatype \(ResultsWriteError.quoted(given))",
                                expected: "a language tag or a datatype")
                }
                datatype = nil
            }
            return .literal(lexical, datatype: datatype, language: language)
        default:
            throw error(typeValue, join(path, "type"), expected: "uri, literal or bnode")
        }
    }
}
