/// The format chosen for an answer, and the exact `Content-Type` to send with it.
public struct NegotiatedFormat<Format: NegotiableFormat>: Sendable, Hashable {
    public var format: Format
    /// The media type the client's preference matched (an alias such as `application/json` when
    /// the client asked for that one), without parameters.
    public var mediaType: String
    /// The header value: `text/csv; charset=utf-8`, `application/sparql-results+json`.
    public var contentType: String

    public init(format: Format, mediaType: String) {
        self.format = format
        self.mediaType = mediaType
        self.contentType = format.contentType(for: mediaType)
    }
}

/// Choosing the format of an answer from the client's `Accept` header, or from a `format=` (or
/// `output=`) parameter that overrides it, as many SPARQL endpoints allow for links a browser
/// follows.
///
/// ```swift
/// let chosen = try ContentNegotiation.resultsFormat(accept: "text/csv;q=0.9, application/json")
/// chosen.format        // .json
/// chosen.contentType   // "application/json"
/// ```
public enum ContentNegotiation {
    /// Send with every negotiated answer, so that caches keep one copy per `Accept`.
    public static let varyHeader = HTTPHeader("Vary", "Accept")

    /// The format among `offered` (in the server's order of preference) with the highest weight
    /// in `accept`, ties going to the earlier format and, within a format, to its registered media
    /// type before its aliases. `format`, when given, is `format=`/`output=`: it names a format by
    /// short name (`json`, `ttl`) or media type, and wins over `Accept`.
    ///
    /// - Throws: 406 when every offered media type has weight 0 (none matches, or `q=0` excludes
    ///   it); 400 when `format` names no offered format or `Accept` does not parse.
    public static func choose<Format: NegotiableFormat>(
        from offered: [Format], accept: String?, format: FormParameter? = nil
    ) throws(HTTPRequestError) -> NegotiatedFormat<Format> {
        if let format { return try chooseByName(format, from: offered) }
        let header = try AcceptHeader(parsing: accept)
        var best: (format: Format, mediaType: String, quality: Int)?
        for candidate in offered {
            for mediaType in candidate.mediaTypes {
                let quality = header.quality(of: mediaType)
                if quality > 0, quality > (best?.quality ?? 0) { best = (candidate, mediaType, quality) }
            }
        }
        guard let best else {
            throw .notAcceptable(accept: accept.map { trimmedSpaces($0) } ?? "", available: offered.map(\.mediaType))
        }
        return NegotiatedFormat(format: best.format, mediaType: best.mediaType)
    }

    /// The format of a SELECT (`boolean: false`) or ASK (`boolean: true`) answer. An ASK answer
    /// has no CSV or TSV form, so asking only for those is a 406.
    public static func resultsFormat(
        accept: String?, format: FormParameter? = nil, boolean: Bool = false
    ) throws(HTTPRequestError) -> NegotiatedFormat<SPARQLResultsFormat> {
        try choose(from: boolean ? SPARQLResultsFormat.booleanFormats : SPARQLResultsFormat.solutionFormats, accept: accept, format: format)
    }

    /// The format of a CONSTRUCT or DESCRIBE answer, or of a Graph Store GET.
    public static func graphFormat(
        accept: String?, format: FormParameter? = nil, offered: [RDFFormat] = RDFFormat.graphAnswerFormats
    ) throws(HTTPRequestError) -> NegotiatedFormat<RDFFormat> {
        try choose(from: offered, accept: accept, format: format)
    }

    /// The `format=` or `output=` parameter among `parameters`, or nil. The two are one parameter
    /// spelled two ways: given more than once they must agree (SPARQLWrapper sends both, with
    /// one value), else it is a 400.
    public static func formatParameter(in parameters: [FormParameter]) throws(HTTPRequestError) -> FormParameter? {
        let found = parameters.filter { $0.name == "format" || $0.name == "output" }
        guard found.allSatisfy({ $0.value.lowercased() == found[0].value.lowercased() }) else {
            throw .duplicateParameter(found.allSatisfy { $0.name == found[0].name } ? found[0].name : "format (or output)")
        }
        return found.first
    }

    private static func chooseByName<Format: NegotiableFormat>(_ parameter: FormParameter, from offered: [Format]) throws(HTTPRequestError) -> NegotiatedFormat<Format> {
        let wanted = asciiLowercased(trimmedSpaces(parameter.value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""))
        for candidate in offered {
            if let mediaType = candidate.mediaTypes.first(where: { $0 == wanted }) {
                return NegotiatedFormat(format: candidate, mediaType: mediaType)
            }
            if candidate.shortNames.contains(wanted) {
                return NegotiatedFormat(format: candidate, mediaType: candidate.mediaType)
            }
        }
        throw .unknownFormat(parameter: parameter.name, value: parameter.value, available: offered.map { $0.shortNames[0] })
    }
}
