import Foundation
import QuiverCore
import QuiverGraph
import QuiverParsers
import QuiverSPARQLEval
import QuiverSPARQLResults
import QuiverSPARQLSyntax

/// `quiver sparql` / `SPARQL`: a SPARQL 1.1 query over a graph, answered by Quiver's own
/// evaluator over the graph's current version.
public struct SPARQLRequest: Verb {
    public static let spec = VerbSpec(
        "sparql", summary: "Answer a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) over a graph.",
        discussion: """
            The graph is the query's default graph. FROM <urn:quiver:graph:NAME> and FROM NAMED name Quiver's other \
            graphs (GRAPH ?g ranges over the FROM NAMED ones). Plain names from TSV, CSV and JSON Lines loads are the \
            IRIs <urn:quiver:name:NAME>, as `quiver export --format nt` writes them, so a query reads a graph however \
            it was loaded. Formats: table (for people), and the W3C results formats json, xml, csv and tsv; \
            CONSTRUCT and DESCRIBE print N-Triples. Entailment regimes and SERVICE are not supported.
            """,
        positionals: [PositionalSpec("graph", "The graph (the default graph of the query)."),
                      PositionalSpec("query", "The query; - reads it from standard input.", .optional, daemon: .one)],
        options: [
            OptionSpec("file", .text, value: "path", help: "Read the query from this file.", surfaces: .cli),
            OptionSpec("format", .choice(["table", "json", "xml", "csv", "tsv", "rdfxml"]), value: "f",
                       help: "table, json, xml, csv or tsv (the W3C SPARQL results formats); rdfxml for CONSTRUCT and DESCRIBE (else N-Triples).",
                       default: "table (CLI), RESP (daemon)"),
            OptionSpec("max-rows", .integer, value: "n", help: "The most rows an intermediate result may hold: a guard against a query that would exhaust memory.",
                       default: "10000000", aliases: ["limit-rows"]),
            OptionSpec("timeout-ms", .integer, value: "ms", help: "Stop the query after this many milliseconds, with an error.", aliases: ["timeout"]),
            OptionSpec("explain", .flag, help: "Run the query and print its plan instead of its answer: each operator with the rows it made and its time, each triple pattern with its estimate."),
            OptionSpec("async", .flag, help: "Run as a job over the graph's version now: JOB STATUS id gives its answer once done, JOB CANCEL id stops it. It outlives the connection and has no deadline unless TIMEOUT-MS gives one.", surfaces: .daemon),
        ],
        examples: ["sparql demo 'SELECT ?c WHERE { <urn:quiver:name:erin> <urn:quiver:name:born_in> ?c }'",
                   "sparql demo --file q.rq --format json", "sparql demo - < q.rq", "sparql demo --file q.rq --explain"],
        outputs: [])

    public enum Format: String, Sendable { case table, json, xml, csv, tsv, rdfxml }

    public var graph: String
    public var query: String?
    public var file: String?
    public var format: Format?
    public var maxRows: Int
    public var timeout: Duration?
    public var explain: Bool
    public var async: Bool
    /// The dataset the SPARQL protocol names (`default-graph-uri`, `named-graph-uri`): when set,
    /// it replaces the query's FROM and FROM NAMED (SPARQL 1.1 Protocol §2.1.4). HTTP sets it.
    public var protocolDataset: (defaultGraphs: [String], namedGraphs: [String])?
    /// Whether a graph that does not exist is an empty default graph rather than an error: the
    /// HTTP endpoint's default graph may not have been made yet.
    public var missingGraphIsEmpty = false

    public init(_ args: ParsedArguments) throws(RequestError) {
        explain = args.flag("explain")
        async = args.flag("async")
        graph = args.positional("graph") ?? ""
        query = args.positional("query")
        file = args.text("file")
        format = try args.choice("format", as: Format.self)
        if args.format == .json { format = .json }
        maxRows = try args.integer("max-rows") ?? 10_000_000
        guard maxRows > 0 else { throw .usage("\(option: "max-rows") must be positive") }
        timeout = try args.milliseconds("timeout-ms")
        try SPARQLText.checkOneSource(inline: query, file: file, noun: "query")
    }

    func text(in context: any GraphContext) throws -> String { try SPARQLText.read(inline: query, file: file, noun: "query", in: context) }

    public func run(in context: any GraphContext) throws -> JobAnswer<SPARQLOutput> {
        let parsed: Query
        do {
            parsed = try SPARQLParser.parseQuery(try text(in: context))
        } catch let e as SPARQLSyntaxError {
            throw RequestError.invalid("SPARQL syntax: \(e.description)")
        }
        return try run(parsed: parsed, in: context)
    }

    /// Answers a parsed query (the HTTP endpoint parses first, to choose the answer's format).
    public func run(parsed: Query, in context: any GraphContext) throws -> JobAnswer<SPARQLOutput> {
        var parsed = parsed
        if let (defaults, named) = protocolDataset, !(defaults.isEmpty && named.isEmpty) {
            parsed.dataset = defaults.map { DatasetClause(iri: $0, isNamed: false) } + named.map { DatasetClause(iri: $0, isNamed: true) }
        }
        // The version is pinned now: a job answers over the graph as it was when it was asked.
        let version = missingGraphIsEmpty ? try context.versionIfPresent(graph) : try context.engine(graph).snapshot
        let budget = try context.budget(timeout: timeout)
        guard async else { return .finished(try answer(parsed, over: version, stop: budget.stop, maxReplyRows: budget.maxRows, in: context)) }
        let deadline = timeout.map { Deadline.after($0) }
        return try context.job(kind: "sparql", graph: graph, foreground: false) { [self, parsed] progress in
            try answer(parsed, over: version, stop: StopCondition(deadline: deadline, token: progress.cancellation), maxReplyRows: budget.maxRows, in: context)
        }
    }

    private func answer(_ parsed: Query, over version: CSRSnapshot?, stop: StopCondition, maxReplyRows: Int,
                        in context: any GraphContext) throws -> SPARQLOutput {
        let dataset = SPARQLDataset(defaultGraph: version, resolve: { iri in
            guard let name = SPARQLDataset.graphName(of: iri) else { return nil }
            return try context.engine(name).snapshot
        }, allGraphs: { try context.store.graphs().map(\.name) })
        let limits = SPARQLLimits(maxIntermediateRows: maxRows, stop: stop,
                                  limitName: context.surface == .cli ? "--max-rows" : "MAX-ROWS")
        let answer: QueryAnswer
        let reasoning = SPARQLReasoning(context: context)
        do {
            if explain { return .document(try SPARQLQuery.explain(parsed, over: dataset, limits: limits, extensions: reasoning) + "\n") }
            answer = try SPARQLQuery.evaluate(parsed, over: dataset, limits: limits, extensions: reasoning)
        } catch {
            throw RequestError(stop.reason != nil ? .cancelled : .invalidInput, "SPARQL: \(error)")
        }
        let size: Int = switch answer {
        case .solutions(_, let rows): rows.count
        case .triples(let triples): triples.count
        case .boolean: 1
        }
        if size > maxReplyRows {
            throw RequestError.invalid("the answer has \(size) \(size == 1 ? "row" : "rows"), more than the \(maxReplyRows) a reply may hold; add LIMIT")
        }
        return try SPARQLOutput(answer, format: format ?? (context.surface == .cli ? .table : nil))
    }

    public func text(_ answer: JobAnswer<SPARQLOutput>) -> String { answer.text(\.text) }
}

/// The text of a query or an update: given inline, from `--file`, or from standard input for
/// `-` (the CLI's).
enum SPARQLText {
    static func checkOneSource(inline: String?, file: String?, noun: String) throws(RequestError) {
        guard (inline == nil) != (file == nil) else {
            throw .usage(inline == nil ? "give the \(noun), or \(option: "file") to read it from a file" : "give the \(noun) or \(option: "file"), not both")
        }
    }

    static func read(inline: String?, file: String?, noun: String, in context: any GraphContext) throws -> String {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else { throw RequestError.notFound("cannot read the \(noun) file \(file)") }
            guard let text = String(data: data, encoding: .utf8) else { throw RequestError.invalid("\(file) is not UTF-8") }
            return text
        }
        if inline == "-" && context.surface == .cli {
            return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        return inline ?? ""
    }
}

/// A SPARQL answer as a surface writes it: a W3C results document (or N-Triples) when a format
/// is asked for, else rows (RESP arrays of variable and term pairs, maps in RESP3), a boolean or
/// N-Triples lines. Terms are written in N-Triples form.
public enum SPARQLOutput: Encodable, Sendable {
    case document(String)
    case solutions(variables: [String], rows: [[String?]])
    case boolean(Bool)
    case triples([String])

    init(_ answer: QueryAnswer, format: SPARQLRequest.Format?) throws {
        let results: QueryResults
        switch answer {
        case .triples(let triples):
            if format == .rdfxml {
                do { self = .document(try RDFXMLWriter.document(triples)) } catch { throw RequestError.invalid(error.message) }
            } else {
                self = .triples(triples.map { NTriples.format($0) })
            }
            return
        case .boolean(let b): results = .boolean(b)
        case .solutions(let variables, let rows): results = .solutions(SolutionSequence(variables: variables, rows: rows))
        }
        let written: ResultsFormat
        switch format {
        case .json?: written = .json
        case .xml?: written = .xml
        case .csv?: written = .csv
        case .tsv?: written = .tsv
        case .rdfxml?: throw RequestError.usage("rdfxml is for the graphs of CONSTRUCT and DESCRIBE; a SELECT or ASK answer takes json, xml, csv or tsv")
        case .table?, nil:
            switch results {
            case .boolean(let b): self = .boolean(b)
            case .solutions(let s): self = .solutions(variables: s.variables, rows: s.rows.map { $0.map { $0.map(NTriples.format) } })
            }
            return
        }
        do {
            self = .document(String(decoding: try ResultsWriter.serialize(results, as: written), as: UTF8.self))
        } catch {
            throw RequestError.invalid("\(error)")
        }
    }

    /// For people: an aligned table, `true`/`false`, N-Triples, or the document.
    var text: String {
        switch self {
        case .document(let d):
            // The CLI prints a line break after the text: the document's own last one goes
            // (a CSV's CRLF keeps its CR), so the bytes written are the document's.
            var scalars = d.unicodeScalars
            if scalars.last == "\n" { scalars.removeLast() }
            return String(scalars)
        case .boolean(let b): return b ? "true" : "false"
        case .triples(let lines): return lines.joined(separator: "\n")
        case .solutions(let variables, let rows):
            let cells = [variables.map { "?" + $0 }] + rows.map { $0.map { $0 ?? "" } }
            let widths = variables.indices.map { i in min(60, cells.map { $0[i].count }.max() ?? 0) }
            let lines = cells.map { row in
                row.enumerated().map { i, c in c.count >= widths[i] ? c : c + String(repeating: " ", count: widths[i] - c.count) }
                    .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
            }
            return (lines + ["(\(rows.count) row\(rows.count == 1 ? "" : "s"))"]).joined(separator: "\n")
        }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// A row: its bound variables in the projection's order.
    private struct Row: Encodable {
        let variables: [String]
        let values: [String?]
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            for (v, t) in zip(variables, values) { if let t { try c.encode(t, forKey: Key(v)) } }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .document(let d): try c.encode(d)
        case .boolean(let b): try c.encode(b)
        case .triples(let lines): try c.encode(lines)
        case .solutions(let variables, let rows): try c.encode(rows.map { Row(variables: variables, values: $0) })
        }
    }
}
