import ArgumentParser
import Foundation
import QuiverCore
import QuiverParsers
import QuiverService
import QuiverStore

struct Load: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load triples into a graph (created if needed), all or nothing.",
        discussion: """
            Formats: nt (N-Triples), ttl (Turtle), tsv (head<TAB>relation<TAB>tail, as PyKEEN and FB15k-237 ship them; also .txt), csv, jsonl ({"s":..,"p":..,"o":..} per line) and 2wiki (2WikiMultiHopQA records; their "evidences" triples). auto picks by file extension; .gz files are decompressed; - reads standard input.

            A load lands whole or not at all: on a syntax error Quiver names file, line and column and the graph stays exactly as it was. Triples already in the graph are skipped and counted.

            Examples:
              quiver load nations train.txt --split train
              quiver load nations valid.txt --split valid --json
              zcat big.nt.gz | quiver load big - --format nt
              quiver load wiki dev.json --format 2wiki --provenance asserted
            """)

    @Argument(help: "The graph to load into.") var graph: String
    @Argument(help: "Input files (- for standard input).") var files: [String]
    @Option(help: "auto, nt, ttl, tsv, csv, jsonl or 2wiki.") var format = "auto"
    @Option(help: "Split label for every loaded triple: train, valid or test.") var split: String?
    @Option(help: "asserted (default), inferred, synthetic or corrupted.") var provenance = "asserted"
    @Option(help: ArgumentHelp("Base IRI for relative IRIs in Turtle.", valueName: "iri")) var base: String?
    @Option(name: .customLong("batch-size"), help: "Triples parsed per batch.") var batchSize = 50_000
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one input file (or - for standard input)") }
        if format != "auto" && InputFormat(name: format) == nil {
            throw ValidationError("unknown --format '\(format)'; use auto, nt, ttl, tsv, csv, jsonl or 2wiki")
        }
        if let split, Split(name: split) == nil { throw ValidationError("unknown --split '\(split)'; use train, valid or test") }
        if Provenance(name: provenance) == nil {
            throw ValidationError("unknown --provenance '\(provenance)'; use asserted, inferred, synthetic or corrupted")
        }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let options = LoadOptions(
            format: format == "auto" ? nil : InputFormat(name: format), split: split.flatMap(Split.init(name:)),
            provenance: Provenance(name: provenance) ?? .asserted, baseIRI: base, batchSize: batchSize)
        let st = try store.open()
        let bar = ProgressBar()
        let report: LoadReport
        defer { bar.finish() }
        report = try st.load(graph: graph, inputs: files.map { .file($0) }, options: options) { p in
            let label = p.phase == .reading ? "loading \(p.file)" : "\(p.phase.rawValue) \(graph)"
            let fraction = p.totalBytes.map { $0 > 0 ? Double(p.bytesRead) / Double($0) : 1 }
            bar.update(label: label, fraction: p.phase == .reading ? fraction : 1, count: p.triplesRead,
                       unit: "triples", force: p.phase != .reading)
        }
        bar.finish()
        if output.json {
            try printJSON(LoadReportJSON(report))
        } else {
            print("""
                loaded \(report.graph): \(grouped(report.read)) read, \(grouped(report.new)) new, \
                \(grouped(report.duplicates)) duplicates, \(grouped(report.newTerms)) new terms \
                in \(String(format: "%.2f", report.seconds)) s (\(grouped(Int(report.triplesPerSecond))) triples/s)
                """)
        }
    }
}
