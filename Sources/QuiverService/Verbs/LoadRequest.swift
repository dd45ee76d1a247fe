import Foundation
import QuiverCore
import QuiverParsers
import QuiverSPARQLEval
import QuiverStore

/// `quiver load` / `LOAD`: triples into a graph (created if needed), all or nothing. The CLI reads
/// files (or standard input); the daemon a payload, or with PATH a file inside its `--import-dir`.
public struct LoadRequest: Verb {
    public static let formats = ["auto", "nt", "nq", "ttl", "trig", "rdfxml", "tsv", "csv", "jsonl", "2wiki"]

    public static let spec = VerbSpec(
        "load", summary: "Load triples into a graph (created if needed), all or nothing; in the daemon big loads run as a job.",
        discussion: """
            Formats: nt (N-Triples), nq (N-Quads), ttl (Turtle), trig (TriG), rdfxml (RDF/XML; .rdf, .owl and .xml files), tsv (head<TAB>relation<TAB>tail, as PyKEEN and FB15k-237 ship them; also .txt), csv, jsonl ({"s":..,"p":..,"o":..} per line) and 2wiki (2WikiMultiHopQA records; their "evidences" triples). auto picks by file extension; .gz files are decompressed; - reads standard input.

            A load lands whole or not at all: on a syntax error Quiver names file, line and column and the graph stays exactly as it was. Triples already in the graph are skipped and counted.

            N-Quads and TriG are datasets: their default graph goes to GRAPH, each named graph to the Quiver graph its IRI names (<urn:quiver:graph:NAME> is NAME, any other IRI the graph of that name), or as --graph-map maps it; the whole file is one load across its graphs.
            """,
        positionals: [
            PositionalSpec("graph", "The graph to load into."),
            PositionalSpec("file", "Input files (- for standard input).", .oneOrMore, noun: "input file", surfaces: .cli),
            PositionalSpec("payload", "The triples themselves.", .optional, payload: true, surfaces: .daemon),
        ],
        options: [
            OptionSpec("format", .text, value: "f", help: "auto, nt, ttl, rdfxml, tsv, csv, jsonl or 2wiki.", default: "auto"),
            OptionSpec("split", .text, value: "s", help: "Split label for every loaded triple: train, valid or test."),
            OptionSpec("provenance", .choice(Provenance.allCases.map(\.description)), value: "p", help: "Where the facts come from.",
                       default: "asserted"),
            OptionSpec("base", .text, value: "iri", help: "Base IRI for relative IRIs in Turtle and RDF/XML."),
            OptionSpec("graph-map", .text, value: "file", help: "N-Quads and TriG: lines of GRAPH-IRI<TAB>quiver-graph (or _:label<TAB>graph) naming the graph each named graph goes to.",
                       surfaces: .cli),
            OptionSpec("batch-size", .integer, value: "n", help: "Triples parsed per batch.", default: "50000", surfaces: .cli),
            OptionSpec("path", .text, value: "file", help: "A regular file inside the server's --import-dir instead of a payload.",
                       surfaces: .daemon),
            OptionSpec("async", .flag, help: "Run as a job even when small (JOB STATUS id).", surfaces: .daemon),
        ],
        examples: ["load nations train.txt --split train", "load nations valid.txt --split valid --json",
                   "load big - --format nt < big.nt", "load wiki dev.json --format 2wiki --provenance asserted"],
        writes: true)

    public var graph: String
    public var files: [String]
    public var payload: [UInt8]?
    public var serverFile: String?
    public var async = false
    public var options: LoadOptions
    /// `--graph-map`: a dataset's graph names (IRIs, `_:label`) to Quiver graphs.
    public var graphMap: String?

    public init(_ args: ParsedArguments) throws(RequestError) {
        graph = args.positional("graph") ?? ""
        files = args.positionals("file")
        payload = args.payload("payload")
        serverFile = args.text("path")
        async = args.flag("async")
        graphMap = args.text("graph-map")
        var format: InputFormat?
        if let f = args.text("format"), f.lowercased() != "auto" {
            guard let parsed = InputFormat(name: f.lowercased()) else {
                throw .usage("unknown \(option: "format") '\(f)'; use \(Self.formats.dropLast().joined(separator: ", ")) or 2wiki")
            }
            format = parsed
        }
        options = LoadOptions(format: format, split: try args.split("split"),
                              provenance: args.text("provenance").flatMap(Provenance.init(name:)) ?? .asserted,
                              baseIRI: args.text("base"), batchSize: try args.integer("batch-size") ?? 50_000)
        if options.batchSize < 1 { throw .usage("\(option: "batch-size") must be at least 1") }
        if args.surface == .daemon {
            if serverFile != nil && payload != nil { throw .usage("LOAD takes a payload or PATH file, not both") }
            if serverFile == nil && payload == nil {
                throw .usage("LOAD graph FORMAT tsv|nt|ttl|rdfxml|csv|jsonl|2wiki payload: the format and payload are missing")
            }
            if format == nil { throw .usage("LOAD needs FORMAT (tsv, nt, ttl, rdfxml, csv, jsonl or 2wiki): a payload has no file name to tell it by") }
        }
    }

    public func run(in context: any GraphContext) throws -> JobAnswer<LoadReportJSON> {
        let inputs = try context.loadInputs(files: files, payload: payload, serverFile: serverFile)
        let size = inputs.reduce(0) { total, input in
            switch input {
            case .bytes(_, let b): total + b.count
            case .opened(let f): total + f.size
            case .file: total
            }
        }
        var limited = self.options
        context.limit(&limited)
        let options = limited, graph = self.graph
        let foreground = !async && size < context.jobThresholdBytes
        if isDataset(inputs) {
            let names = try readGraphMap()
            return try context.job(kind: "load", graph: graph, foreground: foreground) { progress in
                var o = options
                o.cancellation = progress.cancellation
                let reports = try context.store.loadDataset(defaultGraph: graph, inputs: inputs, options: o, graphName: { term in
                    switch term {
                    case .iri(let iri): return names[iri] ?? (SPARQLDataset.graphName(of: iri) ?? iri)
                    case .blank(let label):
                        guard let name = names["_:" + label] else {
                            throw RequestError.invalid("the graph _:\(label) is a blank node: name its Quiver graph with \(option: "graph-map")")
                        }
                        return name
                    default: throw RequestError.invalid("a graph name must be an IRI or a blank node, not \(term)")
                    }
                }) { p in
                    progress.report("loading \(p.file)", fraction: nil, items: p.triplesRead, unit: "triples")
                }
                for r in reports { context.wrote(r.graph) }
                return LoadReportJSON(dataset: graph, reports.map(LoadReportJSON.init))
            }
        }
        return try context.job(kind: "load", graph: graph, foreground: foreground) { progress in
            var o = options
            o.cancellation = progress.cancellation
            let report: LoadReport
            do {
                report = try context.store.load(graph: graph, inputs: inputs, options: o) { p in
                    let reading = p.phase == .reading
                    let fraction = p.totalBytes.map { $0 > 0 ? Double(p.bytesRead) / Double($0) : 1 }
                    progress.report(reading ? "loading \(p.file)" : "\(p.phase.rawValue) \(graph)",
                                    fraction: reading ? fraction.map { $0 * 0.9 } : 0.95, items: p.triplesRead, unit: "triples")
                }
            } catch StoreError.timedOut {
                let limit = o.timeout.map { "\(Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18)" } ?? "?"
                throw RequestError(.cancelled, "the load ran longer than the server's --load-timeout (\(limit) s) and was rolled back; nothing of it was stored")
            }
            context.wrote(graph)
            return LoadReportJSON(report)
        }
    }

    /// Whether the inputs are datasets (N-Quads or TriG, named or told by their names).
    func isDataset(_ inputs: [LoadInput]) -> Bool {
        if let f = options.format { return f.hasNamedGraphs }
        return files.contains { InputFormat.detect(fileName: $0)?.hasNamedGraphs == true }
    }

    func readGraphMap() throws -> [String: String] {
        guard let graphMap else { return [:] }
        guard let data = FileManager.default.contents(atPath: graphMap), let text = String(data: data, encoding: .utf8) else {
            throw RequestError.notFound("cannot read the graph map \(graphMap)")
        }
        var map: [String: String] = [:]
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty && !line.hasPrefix("#") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 2, !f[0].isEmpty, !f[1].isEmpty else { throw RequestError.invalid("\(graphMap):\(i + 1): expected GRAPH-IRI<TAB>quiver-graph") }
            var key = String(f[0])
            if key.hasPrefix("<") && key.hasSuffix(">") { key = String(key.dropFirst().dropLast()) }
            map[key] = String(f[1])
        }
        return map
    }

    public func text(_ answer: JobAnswer<LoadReportJSON>) -> String {
        answer.text { r in
            "loaded \(r.graph): \(groupedCount(r.read)) read, \(groupedCount(r.new)) new, \(groupedCount(r.duplicates)) duplicates, "
                + "\(groupedCount(r.new_terms)) new terms in \(String(format: "%.2f", r.seconds)) s (\(groupedCount(Int(r.triples_per_second))) triples/s)"
        }
    }
}
