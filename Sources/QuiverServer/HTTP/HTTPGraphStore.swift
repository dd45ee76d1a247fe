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
    func graphStore(_ request: ProtocolRequest<GraphStoreOperation>, _ r: HTTPRequestParts) throws -> HTTPReply {
        guard let backend = state.backend else { return .text(503, "the server has no store") }
        let session = Session(id: 0, authenticated: true, remoteAddress: r.remote)
        let context = DaemonGraphContext(backend: backend, jobs: state.jobs, session: session,
                                         budget: try backend.budget(timeout: nil, session: session))
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
                                                            offered: [.nTriples, .turtle])
            guard let version = try context.versionIfPresent(try name(target)) else {
                return .text(404, "no graph \(target)")
            }
            var lines: [UInt8] = []
            version.matchEdges(subject: nil, relation: nil, object: nil) { s, p, o in
                let t = Triple(TripleWriter.rdf(version.nodeTerm(s)), TripleWriter.rdf(version.relationTerm(p)), TripleWriter.rdf(version.nodeTerm(o)))
                lines += Array(NTriples.format(t).utf8)
                lines.append(0x0A)
                return true
            }
            return HTTPReply(status: 200, headers: [("Content-Type", chosen.contentType), (ContentNegotiation.varyHeader.name, ContentNegotiation.varyHeader.value)],
                             body: Self.body(lines))
        case .put(let target, let payload), .post(let target, let payload):
            let graph = try name(target)
            let triples = try parse(payload, graphIRI: SPARQLDataset.iri(ofGraph: graph))
            let iri = SPARQLDataset.iri(ofGraph: graph)
            let insert = UpdateOperation.insertData(triples.map { DataQuad($0, graph: iri) })
            var operations = [insert]
            if case .put = request.operation {
                operations.insert(target == .defaultGraph ? .clear(.defaultGraph, silent: true) : .drop(.graph(iri), silent: true), at: 0)
            }
            let answer = try run(operations, context)
            let created = answer.graphs.contains { $0.graph == graph && $0.created }
            return HTTPReply(status: created ? 201 : 204)
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
