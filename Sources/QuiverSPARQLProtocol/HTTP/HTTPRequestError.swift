import QuiverCore

/// Where in a request a piece of text came from, for errors that point into it.
public enum RequestPart: Sendable, Equatable, CustomStringConvertible {
    /// The part of the request target after `?`.
    case queryString
    /// An `application/x-www-form-urlencoded` body.
    case formBody
    /// A body sent as it is (`application/sparql-query`, `application/sparql-update`).
    case body

    public var description: String {
        switch self {
        case .queryString: "the URL's query string"
        case .formBody: "the form body"
        case .body: "the request body"
        }
    }
}

/// Why the protocol refuses a request, with the HTTP status to answer and any header that status
/// needs (`Allow` for 405, `WWW-Authenticate` for 401). The message is plain text for the
/// response body: it names the offending parameter, header or value and says what would do.
///
/// ```swift
/// do { _ = try SPARQLEndpoint.classify(method: "PUT", target: "/sparql", headers: [], body: []) }
/// catch { print(error.status, error.responseHeaders, error) }
/// // 405 Method Not Allowed [Allow: GET, HEAD, POST] PUT is not allowed on the SPARQL endpoint; use GET, HEAD or POST
/// ```
public enum HTTPRequestError: PresentableError, Sendable, Equatable {
    // 400: the request is malformed.
    /// A `%` not followed by two hexadecimal digits; `offset` counts bytes from 0 in `part`.
    case malformedPercentEncoding(part: RequestPart, offset: Int, found: String)
    /// Bytes that are not UTF-8: in a parameter (after percent-decoding) or in a body.
    case invalidUTF8(part: RequestPart, parameter: String?, offset: Int)
    /// A parameter given twice where the protocol allows one.
    case duplicateParameter(String)
    /// Both `query` and `update`.
    case queryAndUpdate
    /// Neither `query` nor `update` where one is needed; `context` says which request it was.
    case missingOperation(context: String)
    /// `update` in a GET request: updates change data, so they come by POST only.
    case updateByGet
    /// A parameter that does not belong to this kind of request (`using-graph-uri` with a query).
    case misplacedParameter(name: String, reason: String)
    /// A graph IRI that is not an absolute IRI.
    case invalidIRI(parameter: String, value: String, problem: String)
    /// A Graph Store request naming both `graph` and `default`.
    case graphAndDefault
    /// A Graph Store request naming neither `graph` nor `default`.
    case noGraphNamed
    /// A header whose value does not parse.
    case malformedHeader(name: String, value: String, problem: String)
    /// Two lines of a header that may appear once, with different values.
    case repeatedHeader(name: String)
    /// A request target that is not `/path[?query]`.
    case malformedTarget(String)
    /// `format=`/`output=` naming no format this answer can take.
    case unknownFormat(parameter: String, value: String, available: [String])
    /// An `Authorization: Basic` header whose credentials do not decode.
    case malformedCredentials(problem: String)

    // 401
    /// No `Authorization` header, or one of another scheme, where credentials are required.
    case credentialsRequired(realm: String, found: String?)
    /// Credentials that decoded but are not the configured ones.
    case wrongCredentials(realm: String)

    // 403
    /// A cross-origin request from an origin the CORS policy does not list.
    case originNotAllowed(origin: String)
    /// A CORS preflight asking for a method or headers the policy does not allow.
    case preflightRefused(origin: String, problem: String)

    // 405
    case methodNotAllowed(method: String, endpoint: String, allowed: [String])

    // 406
    /// No format this answer can take is acceptable to the client.
    case notAcceptable(accept: String, available: [String])

    // 413
    /// A body (or a declared `Content-Length`) over the configured limit.
    case bodyTooLarge(bytes: Int, limit: Int)

    // 415
    /// A POST or PUT without a `Content-Type`.
    case missingContentType(accepted: [String])
    /// A body whose media type this request cannot take.
    case unsupportedMediaType(String, accepted: [String])
    /// A `charset` other than UTF-8.
    case unsupportedCharset(String)
    /// An RDF dataset format (N-Quads, TriG) where a graph's triples are expected.
    case datasetFormatForGraph(String)

    /// The status to answer with.
    public var status: HTTPStatus {
        switch self {
        case .malformedPercentEncoding, .invalidUTF8, .duplicateParameter, .queryAndUpdate, .missingOperation, .updateByGet,
             .misplacedParameter, .invalidIRI, .graphAndDefault, .noGraphNamed, .malformedHeader, .repeatedHeader,
             .malformedTarget, .unknownFormat, .malformedCredentials:
            .badRequest
        case .credentialsRequired, .wrongCredentials: .unauthorized
        case .originNotAllowed, .preflightRefused: .forbidden
        case .methodNotAllowed: .methodNotAllowed
        case .notAcceptable: .notAcceptable
        case .bodyTooLarge: .payloadTooLarge
        case .missingContentType, .unsupportedMediaType, .unsupportedCharset, .datasetFormatForGraph: .unsupportedMediaType
        }
    }

    /// Headers the status calls for: `Allow` with 405 (RFC 9110 §15.5.6), `WWW-Authenticate`
    /// with 401 (§15.5.2), `Accept-Post` with 415 for a POST body (RFC 9110 §15.5.16 suggests
    /// naming what would be taken).
    public var responseHeaders: [HTTPHeader] {
        switch self {
        case .methodNotAllowed(_, _, let allowed): [HTTPHeader("Allow", allowed.joined(separator: ", "))]
        case .credentialsRequired(let realm, _), .wrongCredentials(let realm): [BasicCredentials.challenge(realm: realm)]
        case .missingContentType(let accepted), .unsupportedMediaType(_, let accepted): [HTTPHeader("Accept-Post", accepted.joined(separator: ", "))]
        default: []
        }
    }

    public var category: ErrorCategory {
        switch status {
        case .payloadTooLarge: .tooLarge
        case .notFound: .notFound
        case .unauthorized, .forbidden, .methodNotAllowed, .unsupportedMediaType, .notAcceptable: .usage
        default: .invalidInput
        }
    }

    public var message: ErrorMessage {
        switch self {
        case .malformedPercentEncoding(let part, let offset, let found):
            "\(part) has a malformed percent-escape \(quoted(found)) at byte \(offset): a % must be followed by two hexadecimal digits"
        case .invalidUTF8(let part, let parameter?, let offset):
            "the value of \(parameter) in \(part) is not UTF-8 after percent-decoding (bad byte at offset \(offset))"
        case .invalidUTF8(let part, nil, let offset):
            "\(part) is not UTF-8 (bad byte at offset \(offset))"
        case .duplicateParameter(let name):
            "the parameter \(name) is given more than once; send exactly one"
        case .queryAndUpdate:
            "the request has both query and update; send exactly one of them"
        case .missingOperation(let context):
            "\(context) has neither query nor update; send exactly one of them"
        case .updateByGet:
            "an update cannot be sent with GET; POST it as application/sparql-update or as update= in an application/x-www-form-urlencoded body"
        case .misplacedParameter(let name, let reason):
            "the parameter \(name) \(reason)"
        case .invalidIRI(let parameter, let value, let problem):
            "\(parameter)=\(quoted(value)) is not an absolute IRI: \(problem)"
        case .graphAndDefault:
            "the request names both graph= and default; a Graph Store request names one graph"
        case .noGraphNamed:
            "the request names no graph; add graph=<IRI> (percent-encoded) or default to the query string"
        case .malformedHeader(let name, let value, let problem):
            "the \(name) header \(quoted(value)) is malformed: \(problem)"
        case .repeatedHeader(let name):
            "the \(name) header is given more than once with different values"
        case .malformedTarget(let target):
            "the request target \(quoted(target)) is not a path with an optional query string"
        case .unknownFormat(let parameter, let value, let available):
            "\(parameter)=\(quoted(value)) names no format this answer can take; use one of \(available.joined(separator: ", "))"
        case .malformedCredentials(let problem):
            "the Authorization header's Basic credentials are malformed: \(problem)"
        case .credentialsRequired(_, nil):
            "this endpoint requires HTTP Basic credentials (an Authorization: Basic header)"
        case .credentialsRequired(_, let scheme?):
            "this endpoint requires HTTP Basic credentials; the Authorization header uses the \(quoted(scheme)) scheme"
        case .wrongCredentials:
            "the user name or password is wrong"
        case .originNotAllowed(let origin):
            "cross-origin requests from \(quoted(origin)) are not allowed"
        case .preflightRefused(let origin, let problem):
            "the CORS preflight from \(quoted(origin)) is refused: \(problem)"
        case .methodNotAllowed(let method, let endpoint, let allowed):
            "\(method) is not allowed on \(endpoint); use \(listed(allowed))"
        case .notAcceptable(let accept, let available):
            "no format in Accept: \(accept) is available; this answer can be \(listed(available))"
        case .bodyTooLarge(let bytes, let limit):
            "the request body is \(bytes) bytes, over the limit of \(limit) bytes"
        case .missingContentType(let accepted):
            "the request has no Content-Type; its body must be one of \(listed(accepted))"
        case .unsupportedMediaType(let found, let accepted):
            "the media type \(quoted(found)) is not supported here; send one of \(listed(accepted))"
        case .unsupportedCharset(let charset):
            "the charset \(quoted(charset)) is not supported; send the body as UTF-8 (charset=utf-8)"
        case .datasetFormatForGraph(let mediaType):
            "\(mediaType) carries a dataset, not one graph's triples; send N-Triples, Turtle or RDF/XML"
        }
    }
}

/// `a`, `a or b`, `a, b or c`.
func listed(_ items: [String]) -> String {
    switch items.count {
    case 0: return "nothing"
    case 1: return items[0]
    default: return items.dropLast().joined(separator: ", ") + " or " + items[items.count - 1]
    }
}

/// `text` in double quotes, with quotes, backslashes and control characters escaped and long text
/// cut, so that a message stays one readable line whatever the client sent.
func quoted(_ text: String, limit: Int = 100) -> String {
    var out = "\""
    for scalar in text.unicodeScalars.prefix(limit) {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            let digits = String(scalar.value, radix: 16, uppercase: true)
            out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + (text.unicodeScalars.count > limit ? "…\"" : "\"")
}
