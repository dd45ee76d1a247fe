import Foundation
import QuiverCore
import QuiverGraph
import QuiverParsers
import QuiverService
import QuiverSPARQLEval
import QuiverSPARQLProtocol
import QuiverSPARQLSyntax

/// The SPARQL 1.1 Graph Store HTTP Protocol (`/store?graph=IRI`, `/store?default`, also on
/// `/sparql`): each write is the SPARQL update it means, run through `quiver update`'s request,
/// so it is atomic and seen at once: PUT is `DROP SILENT GRAPH g ; INSERT DATA { GRAPH g { … } }`,
/// POST is the INSERT DATA alone, DELETE is `DROP GRAPH g`. GET reads the graph's current version.
extension HTTPEndpoint {
    /// A Graph Store request, with the RDF documents a PUT or POST carries (one, or each part of
    /// a multipart body: an HTML form's uploads, merged in one update).
    struct StoreRequest {
        var request: ProtocolRequest<GraphStoreOperation>
        var payloads: [RDFPayload]
    }

    /// A request on `graph`, named directly by its URL or made by a POST to the store, is
    /// classified as the indirect form `?graph=` is.
    func classifyGraphStore(_ r: HTTPRequestParts, graph: String) throws -> StoreRequest {
        let encoded = graph.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? graph
        return try classifyGraphStore(r, target: "/store?graph=" + encoded)
    }

    func classifyGraphStore(_ r: HTTPRequestParts, target: String) throws -> StoreRequest {
        if let type = r.header("Content-Type"), Multipart.isMultipart(type), r.method == "POST" || r.method == "PUT" {
            // The graph as a bodiless request names it; the parts are the documents.
            let named = try GraphStore.classify(method: "DELETE", target: target, headers: [], body: [], maxBodyBytes: maxBodyBytes)
            guard case .delete(let graph) = named.operation else { throw RequestError.invalid("no graph named") }
            var payloads: [RDFPayload] = []
            for part in try Multipart.parts(of: r.body, contentType: type) {
                guard let partType = part.contentType, let format = RDFFormat(mediaType: try MediaType(parsing: partType)), !format.isDatasetFormat else {
                    throw HTTPRequestError.unsupportedMediaType(part.contentType ?? "(none)", accepted: GraphStore.bodyMediaTypes)
                }
                payloads.append(RDFPayload(format: format, bytes: part.body))
            }
            let empty = RDFPayload(format: .nTriples, bytes: [])
            let op: GraphStoreOperation = r.method == "PUT" ? .put(graph, empty) : .post(graph, empty)
            return StoreRequest(request: ProtocolRequest(op, formatParameter: named.formatParameter, otherParameters: named.otherParameters), payloads: payloads)
        }
        let request = try GraphStore.classify(method: r.method, target: target, headers: r.headers, body: r.body, maxBodyBytes: maxBodyBytes)
        switch request.operation {
        case .put(_, let p), .post(_, let p): return StoreRequest(request: request, payloads: [p])
        default: return StoreRequest(request: request, payloads: [])
        }
    }

    func graphStore(_ store: StoreRequest, _ r: HTTPRequestParts, created: String? = nil) throws -> HTTPReply {
        let request = store.request
        let context = try requestContext(r)
        func name(_ target: QuiverSPARQLProtocol.GraphTarget) throws -> String {
            switch target {
            case .defaultGraph: return state.configuration.httpDefaultGraph
            case .named(let iri):
                guard let name = SPARQLDataset.graphName(of: iri) else { throw RequestError.invalid("<\(iri)> names no Quiver graph") }
                return name
            }
        }
        switch request.operation {
        case .get(let target), .head(let target):
            let chosen = try ContentNegotiation.graphFormat(accept: r.header("Accept"), format: request.formatParameter,
                                                            offered: [.turtle, .nTriples])
            guard let version = try context.versionIfPresent(try name(target)) else {
                return .text(404, "no graph \(target)")
            }
            var lines: [UInt8] = []
            version.forEachTriple { t in
                lines += Array(NTriples.format(Triple(TripleWriter.rdf(t.subject), TripleWriter.rdf(t.predicate), TripleWriter.rdf(t.object))).utf8)
                lines.append(0x0A)
            }
            return HTTPReply(status: 200, headers: [("Content-Type", chosen.contentType), (ContentNegotiation.varyHeader.name, ContentNegotiation.varyHeader.value)],
                             body: Self.body(lines))
        case .put(let target, _), .post(let target, _):
            let graph = try name(target)
            let iri = SPARQLDataset.iri(ofGraph: graph)
            var triples: [Triple] = []
            for payload in store.payloads { triples += try parse(payload, graphIRI: iri) }
            // A graph with no triples is made all the same (CREATE), so that a PUT of nothing
            // leaves an empty graph that GET finds.
            var operations: [UpdateOperation] = [.create(graph: iri, silent: true), .insertData(triples.map { DataQuad($0, graph: iri) })]
            if case .put = request.operation {
                operations.insert(target == .defaultGraph ? .clear(.defaultGraph, silent: true) : .drop(.graph(iri), silent: true), at: 0)
            }
            if target == .defaultGraph { operations.removeAll { if case .create = $0 { true } else { false } } }
            let answer = try run(operations, context)
            let made = answer.graphs.contains { $0.graph == graph && $0.created }
            if let created { return HTTPReply(status: 201, headers: [("Location", created)]) }
            return HTTPReply(status: made ? 201 : 204)
        case .delete(let target):
            let graph = try name(target)
            guard try context.versionIfPresent(graph) != nil else { return .text(404, "no graph \(target)") }
            let iri = SPARQLDataset.iri(ofGraph: graph)
            _ = try run([target == .defaultGraph ? .clear(.defaultGraph, silent: true) : .drop(.graph(iri), silent: false)], context)
            return HTTPReply(status: 204)
        }
    }

    /// Runs operations as an update whose default graph is the endpoint's (a DROP of any other
    /// graph removes it; the default graph is only emptied).
    private func run(_ operations: [UpdateOperation], _ context: DaemonGraphContext) throws -> UpdateJSON {
        let words = [state.configuration.httpDefaultGraph, ""].map { Array($0.utf8) }
        let update = try SPARQLUpdateRequest(try ParsedArguments.parse(daemonWords: words, verb: SPARQLUpdateRequest.spec))
        return try state.working { try update.run(parsed: UpdateRequest(operations: operations), in: context) }
    }

    /// The body's triples; a syntax error names its line and column.
    private func parse(_ payload: RDFPayload, graphIRI: String) throws -> [Triple] {
        let format: InputFormat = switch payload.format {
        case .nTriples, .nQuads: .ntriples
        case .turtle, .trig: .turtle
        case .rdfXML: .rdfxml
        }
        var reader = makeTripleReader(format: format, source: MemoryByteSource(payload.bytes), fileName: "the request body", baseIRI: graphIRI)
        var out: [Triple] = [], batch: [Triple] = []
        do {
            while try reader.readBatch(into: &batch, maxCount: 65_536) {
                out += batch
                batch.removeAll(keepingCapacity: true)
                if out.count > state.configuration.maxResultRows * 100 { throw RequestError(.tooLarge, "the body holds too many triples; load it with quiver load") }
            }
        } catch let e as ParseError {
            throw RequestError.invalid("\(payload.format) syntax: \(e.description)")
        }
        return out
    }
}
