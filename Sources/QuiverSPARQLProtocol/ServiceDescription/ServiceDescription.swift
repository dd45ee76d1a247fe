/// A language a SPARQL service supports (`sd:Language`).
public enum SPARQLLanguage: String, Sendable, CaseIterable {
    case query10 = "SPARQL10Query"
    case query11 = "SPARQL11Query"
    case update11 = "SPARQL11Update"
}

/// A feature a SPARQL service declares (the `sd:Feature` instances of the Service Description
/// vocabulary).
public enum ServiceFeature: String, Sendable, CaseIterable {
    /// The service fetches an IRI of FROM / FROM NAMED that is not one of its graphs.
    case dereferencesURIs = "DereferencesURIs"
    /// The default graph is the union of the named graphs.
    case unionDefaultGraph = "UnionDefaultGraph"
    /// A query must name its dataset.
    case requiresDataset = "RequiresDataset"
    /// The service keeps graphs with no triples.
    case emptyGraphs = "EmptyGraphs"
    /// SERVICE is supported.
    case basicFederatedQuery = "BasicFederatedQuery"
}

/// The SPARQL 1.1 Service Description of an endpoint (what a GET of `/sparql` with no query
/// answers), written as Turtle.
///
/// ```swift
/// let description = ServiceDescription(endpoint: "http://localhost:7878/sparql", namedGraphs: ["http://ex/g"])
/// print(description.turtle())
/// // @prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
/// // [] a sd:Service ;
/// //     sd:endpoint <http://localhost:7878/sparql> ;
/// //     …
/// ```
public struct ServiceDescription: Sendable, Equatable {
    /// The endpoint's absolute URL (`sd:endpoint`).
    public var endpoint: String
    public var languages: [SPARQLLanguage]
    /// Query results formats (`sd:resultFormat`).
    public var resultsFormats: [SPARQLResultsFormat]
    /// RDF formats of CONSTRUCT and DESCRIBE answers (also `sd:resultFormat`).
    public var graphFormats: [RDFFormat]
    /// RDF formats the service reads (`sd:inputFormat`: Graph Store bodies, LOAD).
    public var inputFormats: [RDFFormat]
    public var features: [ServiceFeature]
    /// The IRIs of the named graphs of the default dataset, each an `sd:namedGraph`.
    public var namedGraphs: [String]

    public init(
        endpoint: String,
        languages: [SPARQLLanguage] = [.query11, .update11],
        resultsFormats: [SPARQLResultsFormat] = SPARQLResultsFormat.solutionFormats,
        graphFormats: [RDFFormat] = RDFFormat.graphAnswerFormats,
        inputFormats: [RDFFormat] = RDFFormat.graphBodyFormats,
        features: [ServiceFeature] = [],
        namedGraphs: [String] = []
    ) {
        self.endpoint = endpoint
        self.languages = languages
        self.resultsFormats = resultsFormats
        self.graphFormats = graphFormats
        self.inputFormats = inputFormats
        self.features = features
        self.namedGraphs = namedGraphs
    }

    /// The media type of `turtle()`, to send as `Content-Type`.
    public static let contentType = RDFFormat.turtle.contentType

    /// The description as a Turtle document: one `sd:Service` with its endpoint, languages,
    /// formats and features, and its default dataset (`sd:defaultDataset`) with a default graph
    /// and one `sd:NamedGraph` per named graph. IRIs are written in full; a character that an
    /// IRI cannot hold is percent-encoded (a `\u` escape of one is no valid Turtle either), so
    /// the output always parses.
    public func turtle() -> String {
        var out = """
            @prefix sd: <http://www.w3.org/ns/sparql-service-description#> .

            [] a sd:Service ;
                sd:endpoint \(Self.iri(endpoint))
            """
        func objects(_ predicate: String, _ values: [String]) {
            guard !values.isEmpty else { return }
            out += " ;\n    \(predicate) " + values.joined(separator: ", ")
        }
        objects("sd:supportedLanguage", languages.map { "sd:" + $0.rawValue })
        objects("sd:resultFormat", resultsFormats.map { Self.iri($0.formatIRI) } + graphFormats.map { Self.iri($0.formatIRI) })
        objects("sd:inputFormat", inputFormats.map { Self.iri($0.formatIRI) })
        objects("sd:feature", features.map { "sd:" + $0.rawValue })
        out += " ;\n    sd:defaultDataset [\n        a sd:Dataset ;\n        sd:defaultGraph [ a sd:Graph ]"
        for graph in namedGraphs {
            out += " ;\n        sd:namedGraph [ a sd:NamedGraph ; sd:name \(Self.iri(graph)) ]"
        }
        out += "\n    ] .\n"
        return out
    }

    /// `<iri>`, with what an IRI cannot hold (controls, space, `<>"{}|^`\`) percent-encoded.
    static func iri(_ text: String) -> String {
        var out = "<"
        for scalar in text.unicodeScalars {
            switch scalar {
            case _ where scalar.value <= 0x20, "<", ">", "\"", "{", "}", "|", "^", "`", "\\":
                for byte in String(scalar).utf8 {
                    let hex = String(byte, radix: 16, uppercase: true)
                    out += "%" + (hex.count == 1 ? "0" : "") + hex
                }
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + ">"
    }
}
