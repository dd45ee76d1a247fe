import QuiverCore

/// A media type with its parameters (RFC 9110 §8.3.1): `text/turtle; charset=utf-8`. Type,
/// subtype and parameter names are compared without regard to case, so they are kept
/// lowercased; parameter values are kept as sent, quotes removed.
///
/// ```swift
/// let type = try MediaType(parsing: "Application/SPARQL-Query; charset=\"UTF-8\"")
/// type.essence                // "application/sparql-query"
/// type.parameter("charset")   // "UTF-8"
/// ```
public struct MediaType: Sendable, Hashable, CustomStringConvertible {
    public var type: String
    public var subtype: String
    public var parameters: [Parameter]

    public struct Parameter: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = asciiLowercased(name)
            self.value = value
        }
    }

    public init(type: String, subtype: String, parameters: [Parameter] = []) {
        self.type = asciiLowercased(type)
        self.subtype = asciiLowercased(subtype)
        self.parameters = parameters
    }

    /// Parses a `Content-Type` value; the error names the header and what is wrong.
    public init(parsing text: String, header: String = "Content-Type") throws(HTTPRequestError) {
        var scanner = HeaderScanner(text)
        do throws(HeaderScanner.Problem) {
            self = try scanner.mediaType(allowWildcards: false)
            scanner.skipSpaces()
            guard scanner.atEnd else { throw HeaderScanner.Problem("unexpected \(scanner.rest) after the media type") }
        } catch {
            throw .malformedHeader(name: header, value: text, problem: error.text)
        }
    }

    /// `type/subtype`, lowercased, without parameters.
    public var essence: String { "\(type)/\(subtype)" }

    /// The value of the first parameter named `name` (any case), or nil.
    public func parameter(_ name: String) -> String? {
        parameters.first { equalsIgnoringASCIICase($0.name, name) }?.value
    }

    public var description: String {
        parameters.reduce(essence) { $0 + "; \($1.name)=\(HeaderScanner.isToken($1.value) ? $1.value : HeaderScanner.quotedString($1.value))" }
    }

    /// The body's charset must be UTF-8 when one is named (US-ASCII, a subset, is not worth a
    /// special case; every SPARQL and RDF syntax is UTF-8).
    func requireUTF8() throws(HTTPRequestError) {
        if let charset = parameter("charset"), !equalsIgnoringASCIICase(charset, "utf-8") {
            throw .unsupportedCharset(charset)
        }
    }
}

/// A small scanner for the grammar of media types and lists of them (RFC 9110 §5.6).
struct HeaderScanner {
    struct Problem: Error {
        var text: String
        init(_ text: String) { self.text = text }
    }

    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    var atEnd: Bool { position >= scalars.count }
    var rest: String { quoted(String(scalars: scalars[position...])) }
    var peek: Unicode.Scalar? { atEnd ? nil : scalars[position] }

    mutating func skipSpaces() {
        while let c = peek, c == " " || c == "\t" { position += 1 }
    }

    mutating func take(_ c: Unicode.Scalar) -> Bool {
        guard peek == c else { return false }
        position += 1
        return true
    }

    static func isTokenCharacter(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9": true
        case "!", "#", "$", "%", "&", "'", "*", "+", "-", ".", "^", "_", "`", "|", "~": true
        default: false
        }
    }

    static func isToken(_ s: String) -> Bool { !s.isEmpty && s.unicodeScalars.allSatisfy(isTokenCharacter) }

    mutating func token(_ what: String) throws(Problem) -> String {
        let start = position
        while let c = peek, Self.isTokenCharacter(c) { position += 1 }
        guard position > start else {
            throw Problem(atEnd ? "expected \(what) at the end" : "expected \(what) at \(rest)")
        }
        return String(scalars: scalars[start..<position])
    }

    /// `value` as an HTTP quoted-string.
    static func quotedString(_ value: String) -> String {
        var out = "\""
        for c in value {
            if c == "\"" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out + "\""
    }

    mutating func quotedString() throws(Problem) -> String {
        var out = String.UnicodeScalarView()
        while let c = peek {
            position += 1
            if c == "\"" { return String(out) }
            if c == "\\" {
                guard let escaped = peek else { break }
                position += 1
                out.append(escaped)
            } else {
                out.append(c)
            }
        }
        throw Problem("a quoted parameter value has no closing quote")
    }

    /// `type/subtype *( OWS ";" OWS name=value )`. With `allowWildcards`, `*/*` and `type/*` too
    /// (media ranges of `Accept`). Stops before a `,` or the end.
    mutating func mediaType(allowWildcards: Bool) throws(Problem) -> MediaType {
        skipSpaces()
        let type = try token("a media type")
        guard take("/") else { throw Problem("\(quoted(type)) has no /subtype") }
        let subtype = try token("a subtype after \(type)/")
        if !allowWildcards, type == "*" || subtype == "*" { throw Problem("a wildcard is not a media type") }
        if type == "*", subtype != "*" { throw Problem("*/\(subtype) is not a media range; use */* or type/*") }
        var parameters: [MediaType.Parameter] = []
        while true {
            skipSpaces()
            guard take(";") else { break }
            skipSpaces()
            // RFC 9110 lets a parameter list end in a bare ";".
            if atEnd || peek == "," || peek == ";" { continue }
            let name = try token("a parameter name")
            guard take("=") else { throw Problem("the parameter \(name) has no value") }
            let value = take("\"") ? try quotedString() : try token("a value for \(name)")
            parameters.append(MediaType.Parameter(name, value))
        }
        return MediaType(type: type, subtype: subtype, parameters: parameters)
    }
}
