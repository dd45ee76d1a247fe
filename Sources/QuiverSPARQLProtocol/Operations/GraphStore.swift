/// The graph a Graph Store request names (Graph Store HTTP Protocol §4.2, indirect
/// identification): `?default` or `?graph=<IRI>`.
public enum GraphTarget: Sendable, Hashable, CustomStringConvertible {
    case defaultGraph
    case named(String)

    public var description: String {
        switch self {
        case .defaultGraph: "the default graph"
        case .named(let iri): "<\(iri)>"
        }
    }
}

/// A request body in an RDF syntax, as sent.
public struct RDFPayload: Sendable, Equatable {
    public var format: RDFFormat
    /// The body's bytes; the parser for `format` checks them (and their UTF-8) and reports
    /// positions, so nothing here reads them.
    public var bytes: [UInt8]

    public init(format: RDFFormat, bytes: [UInt8]) {
        self.format = format
        self.bytes = bytes
    }
}

/// What a Graph Store request asks for (Graph Store HTTP Protocol §5).
public enum GraphStoreOperation: Sendable, Equatable {
    /// The graph's triples, in a negotiated RDF format.
    case get(GraphTarget)
    /// As GET, without the body.
    case head(GraphTarget)
    /// Replace the graph's triples with the payload's.
    case put(GraphTarget, RDFPayload)
    /// Add the payload's triples to the graph (an RDF merge).
    case post(GraphTarget, RDFPayload)
    /// Remove the graph.
    case delete(GraphTarget)
}

/// Turns a request to the Graph Store endpoint (`/store?graph=…`, `/store?default`) into an
/// operation. The graph is named by exactly one of `graph=<IRI>` (percent-encoded, absolute) and
/// `default`; a PUT or POST body is N-Triples, Turtle or RDF/XML, said by `Content-Type` in UTF-8.
///
/// ```swift
/// let request = try GraphStore.classify(
///     method: "PUT", target: "/store?graph=http%3A%2F%2Fex%2Fg",
///     headers: [(name: "Content-Type", value: "text/turtle")], body: Array("<a> <b> <c> .".utf8))
/// request.operation   // .put(.named("http://ex/g"), RDFPayload(format: .turtle, bytes: …))
/// ```
public enum GraphStore {
    public static let allowedMethods = ["GET", "HEAD", "PUT", "POST", "DELETE"]
    static let endpointName = "the Graph Store"

    /// Classifies one request. `maxBodyBytes` caps a PUT or POST body (413 over it).
    public static func classify(
        method: String, target: String, headers: [(name: String, value: String)], body: [UInt8],
        maxBodyBytes: Int = 256 * 1024 * 1024
    ) throws(HTTPRequestError) -> ProtocolRequest<GraphStoreOperation> {
        let target = try RequestTarget(parsing: target)
        return try classify(method: method, parameters: target.parameters(), headers: HeaderFields(headers), body: body,
                            maxBodyBytes: maxBodyBytes, endpoint: endpointName)
    }

    static func classify(
        method: String, parameters: [FormParameter], headers: HeaderFields, body: [UInt8], maxBodyBytes: Int, endpoint: String
    ) throws(HTTPRequestError) -> ProtocolRequest<GraphStoreOperation> {
        guard allowedMethods.contains(method) else {
            throw .methodNotAllowed(method: method, endpoint: endpoint, allowed: allowedMethods)
        }
        var bag = ParameterBag(parameters)
        for name in ["query", "update"] + SPARQLEndpoint.datasetParameters + SPARQLEndpoint.usingParameters where bag.has(name) {
            throw .misplacedParameter(name: name, reason: "belongs to the SPARQL Protocol and cannot be in a Graph Store request (one with graph= or default)")
        }
        let graph = try bag.takeSingle("graph")
        let isDefault = !bag.take("default").isEmpty
        let target: GraphTarget
        switch (graph, isDefault) {
        case (_?, true): throw .graphAndDefault
        case (nil, false): throw .noGraphNamed
        case (nil, true): target = .defaultGraph
        case (let iri?, false):
            if let problem = IRICheck.problem(iri) { throw .invalidIRI(parameter: "graph", value: iri, problem: problem) }
            target = .named(iri)
        }
        switch method {
        case "GET": return try bag.request(.get(target))
        case "HEAD": return try bag.request(.head(target))
        case "DELETE": return try bag.request(.delete(target))
        case "PUT": return try bag.request(.put(target, payload(headers: headers, body: body, maxBodyBytes: maxBodyBytes)))
        default: return try bag.request(.post(target, payload(headers: headers, body: body, maxBodyBytes: maxBodyBytes)))
        }
    }

    /// The media types a PUT or POST body may have.
    public static var bodyMediaTypes: [String] { RDFFormat.graphBodyFormats.map(\.mediaType) }

    private static func payload(headers: HeaderFields, body: [UInt8], maxBodyBytes: Int) throws(HTTPRequestError) -> RDFPayload {
        try BodyLimit.check(bodyBytes: body.count, maxBodyBytes: maxBodyBytes)
        guard let contentType = try headers.single("Content-Type") else { throw .missingContentType(accepted: bodyMediaTypes) }
        let mediaType = try MediaType(parsing: contentType)
        guard let format = RDFFormat(mediaType: mediaType) else {
            throw .unsupportedMediaType(mediaType.essence, accepted: bodyMediaTypes)
        }
        if format.isDatasetFormat { throw .datasetFormatForGraph(mediaType.essence) }
        try mediaType.requireUTF8()
        return RDFPayload(format: format, bytes: body)
    }
}
