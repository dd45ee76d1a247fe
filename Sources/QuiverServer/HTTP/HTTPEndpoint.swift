import Foundation
import QuiverCore
import QuiverService
import QuiverSPARQLEval
import QuiverSPARQLProtocol
import QuiverSPARQLSyntax
import Synchronization

/// The HTTP port's answers: `/sparql` (SPARQL 1.1 Protocol), `/` (the query page). A query runs
/// through the same `SPARQLRequest` as `quiver sparql` and the RESP port's `SPARQL`; this type
/// only maps the protocol onto it: the dataset from `default-graph-uri` / `named-graph-uri`, the
/// format from `Accept`, errors onto statuses. Access is the RESP port's: the same password
/// (HTTP Basic, any user name), the same protected mode.
final class HTTPEndpoint: HTTPResponder {
    let state: ServerState
    private let cors: CORSPolicy?
    /// Queries and updates running now, against `maxHTTPConcurrent`.
    private let running = Atomic<Int>(0)

    init(state: ServerState) {
        self.state = state
        let origins = state.configuration.corsOrigins
        cors = CORSPolicy(allowedOrigins: origins, exposedHeaders: ["Content-Type"])
    }

    var maxBodyBytes: Int { state.configuration.maxHTTPBodyBytes }

    func early(_ head: HTTPRequestParts, contentLength: Int?) -> HTTPReply? {
        if head.method == "OPTIONS" { return nil }
        return refusal(head)
    }

    /// 403 in protected mode for a client off the loopback with no password set; 401 without
    /// the password.
    private func refusal(_ r: HTTPRequestParts) -> HTTPReply? {
        let c = state.configuration
        guard let password = c.password else {
            if c.protectedMode && !r.isLoopback {
                return .text(403, "quiver is running in protected mode: no password is set and the client is not on the loopback interface. Set one with --requirepass, or bind to loopback only.")
            }
            return nil
        }
        do {
            let credentials = try BasicCredentials(headers: r.headers)
            // Any user name: the RESP port has one password and no users.
            try credentials.verify(user: credentials.user, password: password)
            return nil
        } catch {
            state.countFailedAuth()
            return reply(error)
        }
    }

    func respond(_ r: HTTPRequestParts) -> HTTPReply {
        var extra: [HTTPHeader] = []
        do {
            if let cors {
                switch try cors.evaluate(method: r.method, headers: r.headers) {
                case .notCrossOrigin: break
                case .allowed(let headers): extra = headers
                case .preflight(let headers): return HTTPReply(status: 204, headers: headers.map { ($0.name, $0.value) })
                }
            }
            if let refused = refusal(r) { return refused }
            var answer = try route(r)
            let headers = extra.map { ($0.name, $0.value) }
            if let later = answer.later {
                return .deferred { done in
                    later { final in
                        var final = final
                        final.headers += headers
                        done(final)
                    }
                }
            }
            answer.headers += headers
            return answer
        } catch {
            var answer = reply(error)
            answer.headers += extra.map { ($0.name, $0.value) }
            return answer
        }
    }

    private func route(_ r: HTTPRequestParts) throws -> HTTPReply {
        let target = try RequestTarget(parsing: r.target)
        switch target.path {
        case "/", "/index.html":
            guard r.method == "GET" || r.method == "HEAD" else { return .text(405, "/ is the query page: GET it", headers: [("Allow", "GET, HEAD")]) }
            let html = QueryPage.html(defaultGraph: state.configuration.httpDefaultGraph, prefixes: [("n", "urn:quiver:name:"), ("quiver", "urn:quiver:fn:")])
            return HTTPReply(status: 200, headers: [("Content-Type", "text/html; charset=utf-8")], body: .bytes(Array(html.utf8)))
        case "/sparql":
            let request = try SPARQLEndpoint.classify(method: r.method, target: target, headers: HeaderFields(r.headers), body: r.body,
                                                      maxBodyBytes: maxBodyBytes)
            switch request.operation {
            case .query(let text, let defaults, let named):
                return try limited { try query(text, defaults: defaults, named: named, request, r) }
            case .update(let text, let using, let usingNamed):
                return try limited { try update(text, using: using, usingNamed: usingNamed, r) }
            case .serviceDescription:
                return try serviceDescription(r)
            case .graphStore:
                return try limited { try graphStore(try classifyGraphStore(r, target: r.target), r) }
            }
        case "/store":
            // A POST to the store itself makes a new graph, its IRI chosen here (Graph Store §5.5).
            if r.method == "POST", try target.parameters().isEmpty {
                let iri = "http://\(r.header("Host") ?? state.configuration.host)/graphs/\(UUID().uuidString.lowercased())"
                return try limited { try graphStore(try classifyGraphStore(r, graph: iri), r, created: iri) }
            }
            return try limited { try graphStore(try classifyGraphStore(r, target: r.target), r) }
        default:
            // Any other path names a graph directly: its IRI is this URL (Graph Store §4.1).
            guard GraphStore.allowedMethods.contains(r.method), let host = r.header("Host") else {
                return .text(404, "no such resource: \(target.path) (the SPARQL endpoint is /sparql, the graph store /store, the query page /)")
            }
            return try limited { try graphStore(try classifyGraphStore(r, graph: "http://\(host)\(target.path)"), r) }
        }
    }

    /// Runs `body` unless `maxHTTPConcurrent` requests already run: then 503.
    private func limited(_ body: () throws -> HTTPReply) throws -> HTTPReply {
        let limit = state.configuration.maxHTTPConcurrent
        guard running.add(1, ordering: .relaxed).newValue <= limit else {
            running.subtract(1, ordering: .relaxed)
            return .text(503, "the server is running its limit of \(limit) SPARQL requests (quiver serve --max-http-concurrent); try again", headers: [("Retry-After", "1")])
        }
        defer { running.subtract(1, ordering: .relaxed) }
        return try body()
    }

    private func query(_ text: String, defaults: [String], named: [String], _ request: ProtocolRequest<SPARQLOperation>,
                       _ r: HTTPRequestParts) throws -> HTTPReply {
        let parsed: Query
        do {
            parsed = try SPARQLParser.parseQuery(text)
        } catch {
            return .text(400, "SPARQL syntax: \(error.description)")
        }
        let explain = request.otherParameters.contains { $0.name == "explain" && ["true", "1", "yes"].contains($0.value.lowercased()) }
        let timeout = request.otherParameters.first { $0.name == "timeout" }?.value
        var words = [state.configuration.httpDefaultGraph, text]
        let contentType: String
        if explain {
            words.append("EXPLAIN")
            contentType = "text/plain; charset=utf-8"
        } else {
            switch parsed.form {
            case .select, .ask:
                let chosen = try ContentNegotiation.resultsFormat(accept: r.header("Accept"), format: request.formatParameter,
                                                                   boolean: { if case .ask = parsed.form { true } else { false } }())
                words += ["FORMAT", chosen.format.rawValue]
                contentType = chosen.contentType
            case .construct, .describe:
                // N-Triples is also Turtle, and the default graph's N-Quads and TriG. A client that
                // accepts only results formats (rdflib's SPARQLStore asks for JSON whatever the
                // query) gets N-Triples, which it reads by its Content-Type, as servers commonly do.
                let accept = r.header("Accept"), format = request.formatParameter
                let offered = RDFFormat.graphAnswerFormats + [.rdfXML]
                let chosen: RDFFormat
                switch Result(catching: { () throws(HTTPRequestError) in try ContentNegotiation.graphFormat(accept: accept, format: format, offered: offered) }) {
                case .success(let c):
                    chosen = c.format
                    contentType = c.contentType
                case .failure(let e) where format == nil && e.status == .notAcceptable:
                    chosen = .nTriples
                    contentType = chosen.contentType
                case .failure(let e): throw e
                }
                if chosen == .rdfXML { words += ["FORMAT", "rdfxml"] }
            }
        }
        if let timeout { words += ["TIMEOUT-MS", timeout] }
        var sparql = try SPARQLRequest(try ParsedArguments.parse(daemonWords: words.map { Array($0.utf8) }, verb: SPARQLRequest.spec))
        sparql.protocolDataset = (defaults, named)
        sparql.missingGraphIsEmpty = true
        let context = try requestContext(r, timeout: sparql.timeout)
        let started = DispatchTime.now().uptimeNanoseconds
        let answer = try state.working { try sparql.run(parsed: parsed, in: context) }
        let ms = Int((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
        if ms >= state.configuration.slowQueryMilliseconds {
            state.countSlowQuery()
            state.logger.notice("slow SPARQL over HTTP (\(ms) ms) from \(r.remote): \(text.prefix(200))")
        }
        let body: String
        switch answer {
        case .finished(.document(let d)): body = d
        case .finished(.triples(let lines)): body = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
        case .finished(.boolean(let b)): body = b ? "true\n" : "false\n"
        case .finished(.solutions), .started:
            return .text(500, "the query's answer came in no document form")
        }
        return HTTPReply(status: 200, headers: [("Content-Type", contentType), (ContentNegotiation.varyHeader.name, ContentNegotiation.varyHeader.value)],
                         body: Self.body(Array(body.utf8)))
    }

    /// An update, atomic, through the same request as `quiver update` and `UPDATE`;
    /// `using-graph-uri` / `using-named-graph-uri` are each modify operation's USING clauses.
    private func update(_ text: String, using: [String], usingNamed: [String], _ r: HTTPRequestParts) throws -> HTTPReply {
        guard let backend = state.backend else { return .text(503, "the server has no store") }
        var parsed: UpdateRequest
        do {
            parsed = try SPARQLParser.parseUpdate(text)
        } catch {
            return .text(400, "SPARQL syntax: \(error.description)")
        }
        if !using.isEmpty || !usingNamed.isEmpty {
            let clauses = using.map { DatasetClause(iri: $0, isNamed: false) } + usingNamed.map { DatasetClause(iri: $0, isNamed: true) }
            for (i, op) in parsed.operations.enumerated() {
                guard case .modify(var m) = op else { continue }
                // SPARQL 1.1 Protocol §2.2.3: the parameters and the request's own USING or WITH clash.
                if !m.using.isEmpty || m.with != nil {
                    return .text(400, "the update has USING or WITH, and the request gives using-graph-uri or using-named-graph-uri: give one or the other")
                }
                m.using = clauses
                parsed.operations[i] = .modify(m)
            }
        }
        let sparql = try SPARQLUpdateRequest(try ParsedArguments.parse(daemonWords: [state.configuration.httpDefaultGraph, text].map { Array($0.utf8) },
                                                                       verb: SPARQLUpdateRequest.spec))
        let context = try requestContext(r)
        let prepared = try state.working { try sparql.prepare(parsed: parsed, in: context) }
        if let write = prepared.single {
            // One write: answered when the group commit that takes it has committed, holding no
            // thread meanwhile, so that many clients' updates share transactions.
            let answer = prepared.answer
            return .deferred { done in
                backend.writes.submit([write]) { results in
                    switch results[0] {
                    case .success(let report):
                        if report.changed > 0 { context.wrote(write.graph, changeSeq: report.changeSeq) }
                        done(.text(200, sparql.text(answer)))
                    case .failure(let error as any PresentableError): done(self.reply(SPARQLUpdateRequest.notWritten(error)))
                    case .failure(let error): done(self.reply(error))
                    }
                }
            }
        }
        try state.working { try sparql.commit(prepared, in: context) }
        return .text(200, sparql.text(prepared.answer))
    }

    /// What a request of the HTTP port runs against: the daemon's graphs, with the budget of a
    /// command of the RESP port (its deadline `timeout`, else the server's default).
    func requestContext(_ r: HTTPRequestParts, timeout: Duration? = nil) throws -> DaemonGraphContext {
        guard let backend = state.backend else { throw RequestError(.unavailable, "the server has no store") }
        let session = Session(id: 0, authenticated: true, remoteAddress: r.remote)
        return DaemonGraphContext(backend: backend, jobs: state.jobs, session: session,
                                  budget: try backend.budget(timeout: timeout, session: session))
    }

    /// A big answer goes out in parts (chunked), a small one with its length.
    static func body(_ bytes: [UInt8], part: Int = 256 * 1024) -> HTTPReply.Body {
        guard bytes.count > part else { return .bytes(bytes) }
        let offset = Mutex(0)
        return .parts {
            offset.withLock { o in
                guard o < bytes.count else { return nil }
                defer { o = min(bytes.count, o + part) }
                return Array(bytes[o ..< min(bytes.count, o + part)])
            }
        }
    }

    private func serviceDescription(_ r: HTTPRequestParts) throws -> HTTPReply {
        let graphs = (try? state.backend?.store.graphs().map(\.name)) ?? []
        let host = r.header("Host") ?? "\(state.configuration.host)"
        let description = ServiceDescription(endpoint: "http://\(host)/sparql", languages: [.query11],
                                             namedGraphs: graphs.map { SPARQLDataset.iri(ofGraph: $0) })
        return HTTPReply(status: 200, headers: [("Content-Type", ServiceDescription.contentType)], body: .bytes(Array(description.turtle().utf8)))
    }

    /// An error as a status and a plain-text message that names the problem.
    func reply(_ error: any Error) -> HTTPReply {
        if let e = error as? HTTPRequestError {
            return .text(e.status.code, e.message.rendered(for: .daemon), headers: e.responseHeaders.map { ($0.name, $0.value) })
        }
        if let e = error as? PresentableError {
            let status = switch e.category {
            case .usage, .invalidInput: 400
            case .notFound: 404
            case .tooLarge: 413
            case .cancelled: 408
            case .busy, .unavailable: 503
            case .internal: 500
            }
            return .text(status, e.message.rendered(for: .daemon))
        }
        return .text(500, "\(error)")
    }
}
