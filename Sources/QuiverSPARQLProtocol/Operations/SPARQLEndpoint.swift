import QuiverCore

/// What a request to the SPARQL endpoint asks for (SPARQL 1.1 Protocol §2).
public enum SPARQLOperation: Sendable, Equatable {
    /// A query, with the dataset the protocol names (`default-graph-uri`, `named-graph-uri`);
    /// empty lists leave the dataset to the query's FROM clauses or the service's default.
    case query(String, defaultGraphs: [String], namedGraphs: [String])
    /// An update, with `using-graph-uri` and `using-named-graph-uri`.
    case update(String, usingGraphs: [String], usingNamedGraphs: [String])
    /// A GET or HEAD with no query: the service description.
    case serviceDescription
    /// A Graph Store request addressed to the endpoint (`/sparql?graph=…` or `/sparql?default`).
    case graphStore(GraphStoreOperation)
}

/// Turns a request to the SPARQL endpoint into an operation, by the rules of SPARQL 1.1 Protocol
/// §2.1 and §2.2:
///
/// | method | Content-Type                        | query or update in | graphs in         |
/// |--------|-------------------------------------|--------------------|-------------------|
/// | GET    | (none)                              | `query=` in URL    | URL               |
/// | POST   | `application/x-www-form-urlencoded` | `query=`/`update=` | body (or URL)     |
/// | POST   | `application/sparql-query`          | body               | URL               |
/// | POST   | `application/sparql-update`         | body               | URL               |
///
/// A request has exactly one `query` or `update`; an update never comes by GET; a GET with
/// neither is the service description. HEAD is classified as GET (the daemon sends no body).
/// A `graph=` or `default` parameter in the URL makes it a Graph Store request instead.
///
/// ```swift
/// let request = try SPARQLEndpoint.classify(
///     method: "GET", target: "/sparql?query=ASK%7B%7D&default-graph-uri=http%3A%2F%2Fex%2Fg",
///     headers: [], body: [])
/// request.operation   // .query("ASK{}", defaultGraphs: ["http://ex/g"], namedGraphs: [])
/// ```
public enum SPARQLEndpoint {
    public static let allowedMethods = ["GET", "HEAD", "POST"]
    static let endpointName = "the SPARQL endpoint"
    static let formType = "application/x-www-form-urlencoded"
    static let queryType = "application/sparql-query"
    static let updateType = "application/sparql-update"
    /// The body types a POST may have.
    public static let postMediaTypes = [formType, queryType, updateType]

    /// Classifies one request. `maxBodyBytes` caps the body of a POST (413 over it).
    public static func classify(
        method: String, target: String, headers: [(name: String, value: String)], body: [UInt8],
        maxBodyBytes: Int = 16 * 1024 * 1024
    ) throws(HTTPRequestError) -> ProtocolRequest<SPARQLOperation> {
        try classify(method: method, target: RequestTarget(parsing: target), headers: HeaderFields(headers), body: body, maxBodyBytes: maxBodyBytes)
    }

    public static func classify(
        method: String, target: RequestTarget, headers: HeaderFields, body: [UInt8], maxBodyBytes: Int = 16 * 1024 * 1024
    ) throws(HTTPRequestError) -> ProtocolRequest<SPARQLOperation> {
        let urlParameters = try target.parameters()
        if urlParameters.contains(where: { $0.name == "graph" || $0.name == "default" }) {
            let inner = try GraphStore.classify(method: method, parameters: urlParameters, headers: headers, body: body,
                                                maxBodyBytes: maxBodyBytes, endpoint: endpointName)
            return ProtocolRequest(.graphStore(inner.operation), formatParameter: inner.formatParameter, otherParameters: inner.otherParameters)
        }
        switch method {
        case "GET", "HEAD":
            var bag = ParameterBag(urlParameters)
            if bag.has("update") { throw .updateByGet }
            if !bag.has("query") {
                for name in datasetParameters + usingParameters where bag.has(name) {
                    throw .misplacedParameter(name: name, reason: "names graphs for a query, and the request has no query=")
                }
                return try bag.request(.serviceDescription)
            }
            return try query(from: &bag, body: nil)
        case "POST":
            try BodyLimit.check(bodyBytes: body.count, maxBodyBytes: maxBodyBytes)
            guard let contentType = try headers.single("Content-Type") else { throw .missingContentType(accepted: postMediaTypes) }
            let mediaType = try MediaType(parsing: contentType)
            switch mediaType.essence {
            case formType:
                try mediaType.requireUTF8()
                var bag = try ParameterBag(urlParameters + FormDecoding.decode(body, part: .formBody))
                switch (bag.has("query"), bag.has("update")) {
                case (true, true): throw .queryAndUpdate
                case (true, false): return try query(from: &bag, body: nil)
                case (false, true): return try update(from: &bag, body: nil)
                case (false, false): throw .missingOperation(context: "the form")
                }
            case queryType:
                try mediaType.requireUTF8()
                var bag = ParameterBag(urlParameters)
                try refuseInURL(["query", "update"], in: bag, body: "a query")
                return try query(from: &bag, body: utf8Body(body))
            case updateType:
                try mediaType.requireUTF8()
                var bag = ParameterBag(urlParameters)
                try refuseInURL(["query", "update"], in: bag, body: "an update")
                return try update(from: &bag, body: utf8Body(body))
            default:
                throw .unsupportedMediaType(mediaType.essence, accepted: postMediaTypes)
            }
        default:
            throw .methodNotAllowed(method: method, endpoint: endpointName, allowed: allowedMethods)
        }
    }

    static let datasetParameters = ["default-graph-uri", "named-graph-uri"]
    static let usingParameters = ["using-graph-uri", "using-named-graph-uri"]

    /// A query from `query=` (when `body` is nil) or from the body, with its dataset.
    private static func query(from bag: inout ParameterBag, body: String?) throws(HTTPRequestError) -> ProtocolRequest<SPARQLOperation> {
        for name in usingParameters where bag.has(name) {
            throw .misplacedParameter(name: name, reason: "applies to updates; a query's graphs are default-graph-uri and named-graph-uri")
        }
        let text: String
        if let body {
            text = body
        } else if let parameter = try bag.takeSingle("query") {
            text = parameter
        } else {
            throw .missingOperation(context: "the request")
        }
        let defaultGraphs = try bag.takeIRIs("default-graph-uri")
        let namedGraphs = try bag.takeIRIs("named-graph-uri")
        return try bag.request(.query(text, defaultGraphs: defaultGraphs, namedGraphs: namedGraphs))
    }

    /// An update from `update=` (when `body` is nil) or from the body, with its USING graphs.
    private static func update(from bag: inout ParameterBag, body: String?) throws(HTTPRequestError) -> ProtocolRequest<SPARQLOperation> {
        for name in datasetParameters where bag.has(name) {
            throw .misplacedParameter(name: name, reason: "applies to queries; an update's graphs are using-graph-uri and using-named-graph-uri")
        }
        let text: String
        if let body {
            text = body
        } else if let parameter = try bag.takeSingle("update") {
            text = parameter
        } else {
            throw .missingOperation(context: "the request")
        }
        let usingGraphs = try bag.takeIRIs("using-graph-uri")
        let usingNamedGraphs = try bag.takeIRIs("using-named-graph-uri")
        return try bag.request(.update(text, usingGraphs: usingGraphs, usingNamedGraphs: usingNamedGraphs))
    }

    /// With the operation in the body, the URL may not carry another one.
    private static func refuseInURL(_ names: [String], in bag: ParameterBag, body: String) throws(HTTPRequestError) {
        for name in names where bag.has(name) {
            throw .misplacedParameter(name: name, reason: "cannot be in the URL when the request body is \(body); send one or the other")
        }
    }

    private static func utf8Body(_ body: [UInt8]) throws(HTTPRequestError) -> String {
        if let bad = UTF8Validation.firstInvalidOffset(body) { throw .invalidUTF8(part: .body, parameter: nil, offset: bad) }
        return String(decoding: body, as: UTF8.self)
    }
}
