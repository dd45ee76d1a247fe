import ArgumentParser
import Foundation
import QuiverCore
import QuiverParsers
import QuiverStore

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse a file without storing it and print its triples or quads (like Jena's riot).",
        discussion: """
            Exit status 0 when the input is valid, 1 with the error's file, line and column otherwise.

            Examples:
              quiver convert ontology/demo.ttl --to nt
              quiver convert data.nt --to tsv
              quiver convert dataset.trig --to nq
              quiver convert ontology.owl --to nt
              cat doc.ttl | quiver convert - --format ttl --base http://example.org/
            """)
    @Argument(help: "Input file (- for standard input).") var file: String
    @Option(help: "auto, nt, nq, ttl, trig, rdfxml, tsv, csv, jsonl or 2wiki.") var format = "auto"
    @Option(help: ArgumentHelp("Base IRI for relative IRIs in Turtle and RDF/XML.", valueName: "iri")) var base: String?
    @Option(help: "nt, tsv, nq (N-Quads) or trig. nt and tsv take the default graph only.") var to = "nt"
    @Flag(help: "Only check the input; print the triple count.") var check = false

    func validate() throws {
        if format != "auto" && InputFormat(name: format) == nil {
            throw ValidationError("unknown --format '\(format)'; use auto, nt, nq, ttl, trig, rdfxml, tsv, csv, jsonl or 2wiki")
        }
        if OutputFormat(name: to) == nil && QuadOutputFormat(name: to) == nil { throw ValidationError("unknown --to '\(to)'; use nt, tsv, nq or trig") }
    }

    func run() throws {
        guard let inputFormat = format == "auto" ? InputFormat.detect(fileName: file) : InputFormat(name: format) else {
            throw CLIError(message: "cannot tell the format of '\(file)' from its name; pass --format", code: 2)
        }
        let source: any ByteSource
        do { source = try openInput(path: file) } catch { throw CLIError(message: "\(error)") }
        let baseIRI = base ?? (file == "-" ? nil : URL(fileURLWithPath: file).standardizedFileURL.absoluteString)
        if let quadFormat = QuadOutputFormat(name: to) {
            try convertQuads(makeQuadReader(format: inputFormat, source: AnyByteSource(source), fileName: file, baseIRI: baseIRI), QuadWriter(format: quadFormat))
            return
        }
        let writer = TripleWriter(format: OutputFormat(name: to) ?? .ntriples)
        var reader = makeTripleReader(format: inputFormat, source: AnyByteSource(source), fileName: file, baseIRI: baseIRI)
        var batch: [Triple] = []
        var out: [UInt8] = []
        var count = 0
        do {
            while try reader.readBatch(into: &batch, maxCount: 10_000) {
                count += batch.count
                if !check {
                    for t in batch { try writer.append(t.subject, t.predicate, t.object, to: &out) }
                    FileHandle.standardOutput.write(Data(out))
                    out.removeAll(keepingCapacity: true)
                }
                batch.removeAll(keepingCapacity: true)
            }
        } catch let e as ParseError {
            throw CLIError(message: e.description)
        } catch let e as TripleWriter.UnrepresentableTerm {
            throw CLIError(message: e.description)
        }
        if check { print("\(file): \(count) triples, valid") }
    }

    /// Datasets: every quad, named graphs kept.
    private func convertQuads(_ reader: any QuadReader, _ writer: QuadWriter) throws {
        var reader = reader, writer = writer
        var batch: [Quad] = []
        var out: [UInt8] = []
        var count = 0
        do {
            while try reader.readBatch(into: &batch, maxCount: 10_000) {
                count += batch.count
                if !check {
                    for q in batch { try writer.append(q, to: &out) }
                    FileHandle.standardOutput.write(Data(out))
                    out.removeAll(keepingCapacity: true)
                }
                batch.removeAll(keepingCapacity: true)
            }
            if !check {
                writer.finish(to: &out)
                FileHandle.standardOutput.write(Data(out))
            }
        } catch let e as PresentableError {
            throw CLIError(message: e.description)
        }
        if check { print("\(file): \(count) quads, valid") }
    }
}
