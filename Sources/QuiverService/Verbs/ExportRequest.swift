import Foundation
import QuiverCore
import QuiverParsers
import QuiverSPARQLEval
import QuiverStore

/// `quiver export` / `EXPORT`: every triple of a graph as N-Triples or TSV, or of one or several
/// graphs as N-Quads or TriG (each graph named by its IRI, as SPARQL names it).
///
/// The two surfaces deliver it differently: the daemon answers one bulk string, bounded by its
/// reply budget (`run`); the CLI streams the store's chunks to standard output or to `-o FILE`
/// as they come (`runBatch`), so an export larger than memory still works there.
public struct ExportRequest: Verb {
    public static let spec = VerbSpec(
        "export", summary: "Write a graph's triples as N-Triples or TSV, or graphs as N-Quads or TriG.",
        discussion: """
            Plain names (from TSV loads) are written as IRIs under urn:quiver:name: in N-Triples, and as they are in TSV. N-Quads and TriG name each graph by its IRI: a graph whose name is an absolute IRI by that IRI, any other as <urn:quiver:graph:NAME> (quiver load reads them back into the same graphs). The output file is written to a temporary name and renamed when complete, so a failed export never leaves half a file.
            """,
        positionals: [PositionalSpec("graph", "The graph (several with nq or trig).", .oneOrMore, noun: "graph")],
        options: [
            // Text rather than a choice: the writer's other spellings (ntriples, n-triples, txt)
            // have always been accepted.
            OptionSpec("format", .text, value: "nt|tsv|nq|trig", help: "nt, tsv, nq (N-Quads) or trig.", default: "nt"),
            OptionSpec("output", .text, value: "file", help: "Output file (default: standard output).", surfaces: .cli, short: "o"),
            // The export itself is the output, so --json is not its JSON: it asks for a summary,
            // on standard error when the triples go to standard output.
            OptionSpec("json", .flag, help: "Print a JSON summary (count, format, seconds); on standard error when writing to standard output.",
                       surfaces: .cli),
        ],
        examples: ["export nations --format tsv", "export nations --format nt -o nations.nt", "export nations kinships --format nq -o both.nq"],
        outputs: [])

    public var graph: String
    /// Every graph named (one unless the format is nq or trig).
    public var graphs: [String]
    public var format = OutputFormat.ntriples
    /// nq or trig: the graphs' N-Triples, each line or block given its graph's name.
    public var quads: QuadOutputFormat?
    /// CLI only: the file to write instead of standard output.
    public var output: String?
    /// CLI only: `--json`, a summary of the export.
    public var summary = false

    public init(_ args: ParsedArguments) throws(RequestError) {
        graphs = args.positionals("graph")
        graph = graphs.first ?? ""
        if let f = args.text("format") {
            if let q = QuadOutputFormat(name: f) {
                quads = q
            } else {
                guard let of = OutputFormat(name: f) else { throw .usage("unknown \(option: "format") '\(f)'; use nt, tsv, nq or trig") }
                format = of
            }
        }
        if graphs.count > 1 && quads == nil { throw .usage("several graphs go into one file as nq or trig; give \(option: "format") nq or trig") }
        output = args.text("output")
        summary = args.flag("json")
    }

    /// The whole export, built in memory as one reply: past the budget's bytes or deadline, it
    /// stops reading rather than answer part of a graph.
    public func run(in context: any GraphContext) throws -> ExportedTriples {
        let budget = try context.budget(timeout: nil)
        var out: [UInt8] = []
        _ = try export(context.store) { chunk in
            guard out.count + chunk.count <= budget.maxBytes else {
                throw RequestError.invalid("\(command: "export", graph) is larger than a reply may be (\(budget.maxBytes) bytes, the server's --max-reply-bytes); export it with `quiver export`")
            }
            if let why = budget.stop.reason {
                throw RequestError(.cancelled, "\(command: "export", graph) stopped: \(why == .timeout ? "its deadline passed" : "the client went away")")
            }
            out += chunk
        }
        return ExportedTriples(bytes: out)
    }

    public func text(_ answer: ExportedTriples) -> String { String(decoding: answer.bytes, as: UTF8.self) }

    /// The CLI's export: streamed, never held whole. `runBatch` is the CLI's hook for answers
    /// that are not one value, which is what a stream is; the daemon never calls it.
    public func runBatch(in context: any GraphContext, emit: (String) throws -> Void) throws -> Bool {
        guard context.surface == .cli else { return false }
        let store = try context.store
        let started = Date()
        let count: Int
        if let output {
            // Written under a temporary name and renamed when complete: a failed export leaves no
            // half file, and never clobbers an earlier good one.
            let tmp = output + ".partial-\(getpid())"
            guard FileManager.default.createFile(atPath: tmp, contents: nil), let handle = FileHandle(forWritingAtPath: tmp) else {
                throw RequestError.invalid("cannot write '\(output)'")
            }
            do {
                count = try export(store) { try handle.write(contentsOf: $0) }
                try handle.close()
                if FileManager.default.fileExists(atPath: output) { try FileManager.default.removeItem(atPath: output) }
                try FileManager.default.moveItem(atPath: tmp, toPath: output)
            } catch {
                try? handle.close()
                try? FileManager.default.removeItem(atPath: tmp)
                throw error
            }
        } else {
            count = try export(store) { FileHandle.standardOutput.write(Data($0)) }
        }
        let seconds = Date().timeIntervalSince(started)
        if summary {
            let line = try jsonLine(ExportSummary(graph: graphs.joined(separator: ","), triples: count, format: quads.map { $0 == .nquads ? "nq" : "trig" } ?? format.rawValue,
                                                  seconds: seconds, output: output))
            // Standard output holds the triples unless they went to a file.
            if output != nil { try emit(line) } else { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        } else if let output {
            try emit("exported \(groupedCount(count)) triples of \(graphs.joined(separator: ", ")) to \(output)")
        }
        return true
    }
}

extension ExportRequest {
    /// Streams the export to `write` in chunks; the count of triples. N-Quads and TriG are the
    /// store's N-Triples of each graph with its name added to each line, or around its lines.
    func export(_ store: Store, _ write: ([UInt8]) throws -> Void) throws -> Int {
        guard let quads else { return try store.export(graph: graph, format: format, write: write) }
        var total = 0
        for g in graphs {
            var name: [UInt8] = []
            NTriples.append(.iri(SPARQLDataset.iri(ofGraph: g)), to: &name)
            var pending: [UInt8] = []
            if quads == .trig { try write(name + Array(" {\n".utf8)) }
            func lines(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
                var out: [UInt8] = []
                out.reserveCapacity(bytes.count + bytes.count / 4)
                var start = bytes.startIndex
                while let nl = bytes[start...].firstIndex(of: 0x0A) {
                    var line = bytes[start..<nl]
                    if quads == .nquads {
                        // "s p o ." becomes "s p o <g> ."
                        while line.last == 0x20 || line.last == 0x2E { line = line.dropLast() }
                        out += line
                        out.append(0x20)
                        out += name
                        out += Array(" .\n".utf8)
                    } else {
                        out += Array("  ".utf8)
                        out += line
                        out.append(0x0A)
                    }
                    start = nl + 1
                }
                pending = Array(bytes[start...])
                return out
            }
            total += try store.export(graph: g, format: .ntriples) { chunk in
                let all = pending + chunk
                try write(lines(all[...]))
            }
            if quads == .trig { try write(Array("}\n".utf8)) }
        }
        return total
    }
}

/// EXPORT's answer: the triples as written, which the daemon sends as one bulk string.
public struct ExportedTriples: Encodable, Sendable {
    public var bytes: [UInt8]

    // A string, so that the RESP encoder sends it as a bulk string (not an array of numbers).
    // The writer's output is UTF-8 (stored terms are), so decoding keeps the bytes exactly.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(String(decoding: bytes, as: UTF8.self))
    }
}

/// `quiver export --json`.
struct ExportSummary: Encodable {
    var graph: String
    var triples: Int
    var format: String
    var seconds: Double
    var output: String?
}
