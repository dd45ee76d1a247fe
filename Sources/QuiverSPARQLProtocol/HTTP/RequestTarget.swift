import QuiverCore

/// A request target split into its path and raw query string (RFC 9112 §3.2): origin form
/// (`/sparql?query=…`), absolute form (`http://host/sparql?query=…`, as sent to proxies) or
/// asterisk form (`*`, for `OPTIONS`).
///
/// ```swift
/// let target = try RequestTarget(parsing: "/store?graph=http%3A%2F%2Fex%2Fg")
/// target.path                                // "/store"
/// try target.parameters().first?.value       // "http://ex/g"
/// ```
public struct RequestTarget: Sendable, Equatable {
    /// The path as sent, not percent-decoded (`/sparql`), or `*`.
    public var path: String
    /// What follows the first `?`, not decoded; nil when there is no `?`.
    public var query: String?

    public init(path: String, query: String? = nil) {
        self.path = path
        self.query = query
    }

    public init(parsing target: String) throws(HTTPRequestError) {
        // Over bytes, not Characters: a GET's target holds the whole query, and breaking it into
        // grapheme clusters cost more than the rest of a small query's request. Every byte
        // looked for is ASCII, so the pieces cut at them are whole UTF-8.
        let all = Array(target.utf8)
        var rest = all[...]
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) { rest = rest[..<hash] }
        if rest.elementsEqual("*".utf8) {
            self.init(path: "*")
            return
        }
        var rootBeforeQuery = false
        if let schemeEnd = Self.firstSchemeSeparator(rest), Self.isScheme(rest[..<schemeEnd]) {
            let authorityAndRest = rest[(schemeEnd + 3)...]
            guard let pathStart = authorityAndRest.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) else {
                self.init(path: "/")
                return
            }
            rest = authorityAndRest[pathStart...]
            rootBeforeQuery = rest.first == UInt8(ascii: "?")
        }
        guard rootBeforeQuery || rest.first == UInt8(ascii: "/") else { throw .malformedTarget(target) }
        let root = rootBeforeQuery ? "/" : ""
        if let mark = rest.firstIndex(of: UInt8(ascii: "?")) {
            self.init(path: root + String(decoding: rest[..<mark], as: UTF8.self), query: String(decoding: rest[(mark + 1)...], as: UTF8.self))
        } else {
            self.init(path: root + String(decoding: rest, as: UTF8.self))
        }
    }

    /// The query string's parameters, decoded as `application/x-www-form-urlencoded` (the way
    /// SPARQL clients encode them: `+` and `%20` are both a space).
    public func parameters() throws(HTTPRequestError) -> [FormParameter] {
        guard let query else { return [] }
        return try FormDecoding.decode(Array(query.utf8), part: .queryString)
    }

    /// Where the first `://` starts.
    private static func firstSchemeSeparator(_ b: ArraySlice<UInt8>) -> Int? {
        var i = b.startIndex
        while i + 2 < b.endIndex {
            if b[i] == UInt8(ascii: ":"), b[i + 1] == UInt8(ascii: "/"), b[i + 2] == UInt8(ascii: "/") { return i }
            i += 1
        }
        return nil
    }

    private static func isScheme(_ s: ArraySlice<UInt8>) -> Bool {
        func letter(_ c: UInt8) -> Bool { (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") }
        guard let first = s.first, letter(first) else { return false }
        return s.allSatisfy { letter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }
}

/// One `name=value` pair of a query string or form body, both decoded.
public struct FormParameter: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name)=\(value)" }
}

/// `application/x-www-form-urlencoded` decoding (the WHATWG URL standard's, made strict): pairs
/// split on `&`, name from value on the first `=`, `+` is a space, `%XX` a byte; the decoded
/// bytes must be UTF-8. A `%` without two hexadecimal digits after it is an error rather than
/// kept as it is, so that a client's encoding mistake is reported instead of guessed at.
public enum FormDecoding {
    /// The pairs of `bytes`, in order; empty pairs (`a=1&&b=2`) are skipped, and a pair with no
    /// `=` (`?default`) has an empty value.
    ///
    /// ```swift
    /// try FormDecoding.decode(Array("query=ASK+%7B%7D&x".utf8), part: .formBody)
    /// // [query=ASK {}, x=]
    /// ```
    public static func decode(_ bytes: [UInt8], part: RequestPart) throws(HTTPRequestError) -> [FormParameter] {
        var out: [FormParameter] = []
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "&") { end += 1 }
            if end > start {
                var equals = start
                while equals < end, bytes[equals] != UInt8(ascii: "=") { equals += 1 }
                let nameBytes = try percentDecode(bytes, start..<equals, part: part)
                let name = try utf8String(nameBytes, part: part, parameter: nil, nameStart: start)
                let valueBytes = equals < end ? try percentDecode(bytes, (equals + 1)..<end, part: part) : []
                let value = try utf8String(valueBytes, part: part, parameter: name, nameStart: start)
                out.append(FormParameter(name, value))
            }
            start = end + 1
        }
        return out
    }

    static func percentDecode(_ bytes: [UInt8], _ range: Range<Int>, part: RequestPart) throws(HTTPRequestError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var i = range.lowerBound
        while i < range.upperBound {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
                i += 1
            } else if b == UInt8(ascii: "%") {
                guard i + 2 < range.upperBound,
                      let high = hexDigitValue(bytes[i + 1]), let low = hexDigitValue(bytes[i + 2]) else {
                    let excerptEnd = min(range.upperBound, i + 3)
                    throw .malformedPercentEncoding(part: part, offset: i, found: String(decoding: bytes[i..<excerptEnd], as: UTF8.self))
                }
                out.append(UInt8(high << 4 | low))
                i += 3
            } else {
                out.append(b)
                i += 1
            }
        }
        return out
    }

    private static func utf8String(_ bytes: [UInt8], part: RequestPart, parameter: String?, nameStart: Int) throws(HTTPRequestError) -> String {
        if let bad = UTF8Validation.firstInvalidOffset(bytes) {
            throw .invalidUTF8(part: part, parameter: parameter ?? "a parameter name at byte \(nameStart)", offset: bad)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
