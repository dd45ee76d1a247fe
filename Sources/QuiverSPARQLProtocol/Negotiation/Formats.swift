/// A format an answer can be written in, as content negotiation sees it: the media types that
/// name it (the registered one first, then aliases clients also send), and short names for a
/// `format=` parameter.
public protocol NegotiableFormat: Hashable, Sendable {
    /// Every media type for this format, lowercased, without parameters; the first is the one
    /// sent when the client accepts any.
    var mediaTypes: [String] { get }
    /// Names a `format=` or `output=` parameter may use (`json`, `ttl`), lowercased.
    var shortNames: [String] { get }
}

extension NegotiableFormat {
    /// The registered media type (`application/sparql-results+json`).
    public var mediaType: String { mediaTypes[0] }

    /// The `Content-Type` to send for `mediaType` (one of `mediaTypes`): text types say their
    /// charset, since HTTP would otherwise let a client assume another; the others are UTF-8 by
    /// their registrations.
    public func contentType(for mediaType: String) -> String {
        mediaType.hasPrefix("text/") ? mediaType + "; charset=utf-8" : mediaType
    }

    /// The `Content-Type` for the registered media type.
    public var contentType: String { contentType(for: mediaType) }
}

/// The SPARQL 1.1 Query Results formats. Raw values match `QuiverSPARQLResults.ResultsFormat`'s,
/// so the daemon maps one to the other with `ResultsFormat(rawValue:)`.
public enum SPARQLResultsFormat: String, NegotiableFormat, CaseIterable, CustomStringConvertible {
    case json, xml, csv, tsv

    /// The formats of a SELECT answer, in the server's order of preference.
    public static let solutionFormats: [SPARQLResultsFormat] = [.json, .xml, .csv, .tsv]
    /// The formats of an ASK answer: CSV and TSV have no form for a boolean.
    public static let booleanFormats: [SPARQLResultsFormat] = [.json, .xml]

    public var mediaTypes: [String] {
        switch self {
        case .json: ["application/sparql-results+json", "application/json"]
        case .xml: ["application/sparql-results+xml", "application/xml"]
        case .csv: ["text/csv"]
        case .tsv: ["text/tab-separated-values"]
        }
    }

    public var shortNames: [String] {
        switch self {
        case .json: ["json", "srj"]
        case .xml: ["xml", "srx"]
        case .csv: ["csv"]
        case .tsv: ["tsv"]
        }
    }

    /// The format's IRI in the W3C formats namespace, for a service description.
    public var formatIRI: String {
        switch self {
        case .json: "http://www.w3.org/ns/formats/SPARQL_Results_JSON"
        case .xml: "http://www.w3.org/ns/formats/SPARQL_Results_XML"
        case .csv: "http://www.w3.org/ns/formats/SPARQL_Results_CSV"
        case .tsv: "http://www.w3.org/ns/formats/SPARQL_Results_TSV"
        }
    }

    public var description: String { rawValue.uppercased() }
}

/// The RDF syntaxes the protocols read (Graph Store bodies) or write (CONSTRUCT and DESCRIBE
/// answers, Graph Store GETs).
public enum RDFFormat: String, NegotiableFormat, CaseIterable, CustomStringConvertible {
    case nTriples = "nt"
    case turtle = "ttl"
    case nQuads = "nq"
    case trig
    case rdfXML = "rdfxml"

    /// The formats of a graph answer, in the server's order of preference. Every one of them can
    /// be written as N-Triples lines: N-Triples is Turtle, and a default-graph N-Quads or TriG
    /// document too. RDF/XML is read, not written.
    public static let graphAnswerFormats: [RDFFormat] = [.nTriples, .turtle, .nQuads, .trig]
    /// The formats a Graph Store PUT or POST of one graph may send.
    public static let graphBodyFormats: [RDFFormat] = [.nTriples, .turtle, .rdfXML]

    public var mediaTypes: [String] {
        switch self {
        case .nTriples: ["application/n-triples", "text/plain"]
        case .turtle: ["text/turtle", "application/x-turtle"]
        case .nQuads: ["application/n-quads"]
        case .trig: ["application/trig"]
        case .rdfXML: ["application/rdf+xml"]
        }
    }

    public var shortNames: [String] {
        switch self {
        case .nTriples: ["nt", "ntriples", "n-triples"]
        case .turtle: ["ttl", "turtle"]
        case .nQuads: ["nq", "nquads", "n-quads"]
        case .trig: ["trig"]
        case .rdfXML: ["rdfxml", "rdf", "rdf/xml"]
        }
    }

    /// Whether the syntax carries named graphs (a dataset) rather than one graph's triples.
    public var isDatasetFormat: Bool { self == .nQuads || self == .trig }

    /// The format's IRI in the W3C formats namespace, for a service description.
    public var formatIRI: String {
        switch self {
        case .nTriples: "http://www.w3.org/ns/formats/N-Triples"
        case .turtle: "http://www.w3.org/ns/formats/Turtle"
        case .nQuads: "http://www.w3.org/ns/formats/N-Quads"
        case .trig: "http://www.w3.org/ns/formats/TriG"
        case .rdfXML: "http://www.w3.org/ns/formats/RDF_XML"
        }
    }

    /// The format named by a media type (parameters ignored), among all of them.
    public init?(mediaType: MediaType) {
        guard let format = Self.allCases.first(where: { $0.mediaTypes.contains(mediaType.essence) }) else { return nil }
        self = format
    }

    public var description: String {
        switch self {
        case .nTriples: "N-Triples"
        case .turtle: "Turtle"
        case .nQuads: "N-Quads"
        case .trig: "TriG"
        case .rdfXML: "RDF/XML"
        }
    }
}
