/// One element of an `Accept` header: a media range (`text/*`, `*/*`, `text/turtle;charset=utf-8`)
/// with its weight.
public struct MediaRange: Sendable, Hashable, CustomStringConvertible {
    /// `*` for a wildcard; lowercased.
    public var type: String
    /// `*` for a wildcard; lowercased.
    public var subtype: String
    /// The media type parameters before `q` (those after it are extensions and ignored).
    public var parameters: [MediaType.Parameter]
    /// The weight in thousandths: `q=0.5` is 500; 1000 when there is no `q`. 0 means "not this".
    public var quality: Int

    public init(type: String, subtype: String, parameters: [MediaType.Parameter] = [], quality: Int = 1000) {
        self.type = asciiLowercased(type)
        self.subtype = asciiLowercased(subtype)
        self.parameters = parameters
        self.quality = quality
    }

    /// How specific the range is, for RFC 9110 §12.5.1's rule that the most specific range that
    /// matches a media type gives its weight: `*/*` < `type/*` < `type/subtype` < with parameters.
    var specificity: Int {
        if type == "*" { return 0 }
        if subtype == "*" { return 1 }
        return parameters.isEmpty ? 2 : 3
    }

    /// Whether the range takes in `mediaType` (a lowercased `type/subtype`) as Quiver writes it:
    /// always in UTF-8 and with no other parameter, so a range asking for another charset or for
    /// any other parameter does not match.
    func matches(_ mediaType: String) -> Bool {
        // Bytes compared: both sides are lowercased ASCII tokens, and this runs for every offered
        // type against every range of every request.
        let u = mediaType.utf8
        guard let slash = u.firstIndex(of: UInt8(ascii: "/")) else { return false }
        let t = u[..<slash], st = u[u.index(after: slash)...]
        guard type == "*" || (type.utf8.elementsEqual(t) && (subtype == "*" || subtype.utf8.elementsEqual(st))) else { return false }
        return parameters.allSatisfy { $0.name == "charset" && equalsIgnoringASCIICase($0.value, "utf-8") }
    }

    public var description: String {
        let params = parameters.map { "; \($0.name)=\($0.value)" }.joined()
        guard quality != 1000 else { return "\(type)/\(subtype)\(params)" }
        var q = String(quality / 1000) + "." + String(quality % 1000 + 1000).dropFirst()
        while q.hasSuffix("0") { q.removeLast() }
        if q.hasSuffix(".") { q.removeLast() }
        return "\(type)/\(subtype)\(params); q=\(q)"
    }
}

/// A parsed `Accept` header (RFC 9110 §12.5.1).
///
/// ```swift
/// let accept = try AcceptHeader(parsing: "text/*;q=0.5, text/turtle, */*;q=0")
/// accept.quality(of: "text/turtle")   // 1000
/// accept.quality(of: "text/csv")      // 500
/// accept.quality(of: "application/json")   // 0: excluded by */*;q=0
/// ```
public struct AcceptHeader: Sendable, Equatable {
    public var ranges: [MediaRange]

    public init(ranges: [MediaRange]) { self.ranges = ranges }

    /// Accepts anything: what a request without `Accept` means.
    public static let anything = AcceptHeader(ranges: [MediaRange(type: "*", subtype: "*")])

    /// Parses a header value. A missing or blank header accepts anything; a malformed element or
    /// weight is an error (400) naming it, rather than silently dropped.
    public init(parsing text: String?) throws(HTTPRequestError) {
        guard let text, !trimmedSpaces(text).isEmpty else {
            self = .anything
            return
        }
        var scanner = HeaderScanner(text)
        var ranges: [MediaRange] = []
        do throws(HeaderScanner.Problem) {
            while true {
                scanner.skipSpaces()
                if scanner.take(",") { continue }
                if scanner.atEnd { break }
                ranges.append(try Self.range(from: scanner.mediaType(allowWildcards: true)))
                scanner.skipSpaces()
                guard scanner.atEnd || scanner.take(",") else { throw HeaderScanner.Problem("expected , or the end at \(scanner.rest)") }
            }
        } catch {
            throw .malformedHeader(name: "Accept", value: text, problem: error.text)
        }
        self.ranges = ranges.isEmpty ? AcceptHeader.anything.ranges : ranges
    }

    /// Splits a parsed media type at its `q` parameter: before it, the range's own parameters;
    /// `q` itself, the weight; after it, extensions that say nothing about the format.
    private static func range(from type: MediaType) throws(HeaderScanner.Problem) -> MediaRange {
        guard let q = type.parameters.firstIndex(where: { $0.name == "q" }) else {
            return MediaRange(type: type.type, subtype: type.subtype, parameters: type.parameters)
        }
        let weight = try quality(type.parameters[q].value)
        return MediaRange(type: type.type, subtype: type.subtype, parameters: Array(type.parameters[..<q]), quality: weight)
    }

    /// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`, in thousandths.
    static func quality(_ text: String) throws(HeaderScanner.Problem) -> Int {
        let problem = HeaderScanner.Problem("the weight q=\(text) is not a number from 0 to 1 with at most three decimals")
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, first == "0" || first == "1" else { throw problem }
        var thousandths = first == "1" ? 1000 : 0
        if scalars.count > 1 {
            guard scalars[1] == ".", scalars.count <= 5 else { throw problem }
            var scale = 100
            for digit in scalars.dropFirst(2) {
                guard ("0"..."9").contains(digit) else { throw problem }
                thousandths += Int(digit.value - 0x30) * scale
                scale /= 10
            }
            guard thousandths <= 1000 else { throw problem }
        }
        return thousandths
    }

    /// The weight of `mediaType` (a lowercased `type/subtype`), in thousandths: that of the most
    /// specific range matching it (the first such when two are equally specific); 0 when none
    /// matches.
    public func quality(of mediaType: String) -> Int {
        var best: MediaRange?
        for range in ranges where range.matches(mediaType) {
            if let current = best, current.specificity >= range.specificity { continue }
            best = range
        }
        return best?.quality ?? 0
    }
}
