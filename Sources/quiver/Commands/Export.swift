import ArgumentParser
import Foundation
import QuiverCore
import QuiverParsers
import QuiverStore

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a graph's triples as N-Triples or TSV.",
        discussion: """
            Plain names (from TSV loads) are written as IRIs under urn:quiver:name: in N-Triples, and as they are in TSV. The output file is written to a temporary name and renamed when complete, so a failed export never leaves half a file.

            Examples:
              quiver export nations --format tsv
              quiver export nations --format nt -o nations.nt
            """)
    @Argument(help: "The graph.") var graph: String
    @Option(help: "nt or tsv.") var format = "nt"
    @Option(name: .shortAndLong, help: ArgumentHelp("Output file (default: standard output).", valueName: "file"))
    var output: String?
    @OptionGroup var store: StoreOptions
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if OutputFormat(name: format) == nil { throw ValidationError("unknown --format '\(format)'; use nt or tsv") }
    }

    func run() throws {
        let fmt = OutputFormat(name: format) ?? .ntriples
        let st = try store.open()
        let started = Date()
        let count: Int
        if let output {
            let tmp = output + ".partial-\(getpid())"
            guard FileManager.default.createFile(atPath: tmp, contents: nil),
                  let handle = FileHandle(forWritingAtPath: tmp) else {
                throw CLIError(message: "cannot write '\(output)'")
            }
            do {
                count = try st.export(graph: graph, format: fmt) { try handle.write(contentsOf: $0) }
                try handle.close()
                if FileManager.default.fileExists(atPath: output) { try FileManager.default.removeItem(atPath: output) }
                try FileManager.default.moveItem(atPath: tmp, toPath: output)
            } catch {
                try? handle.close()
                try? FileManager.default.removeItem(atPath: tmp)
                throw error
            }
        } else {
            count = try st.export(graph: graph, format: fmt) { FileHandle.standardOutput.write(Data($0)) }
        }
        let seconds = Date().timeIntervalSince(started)
        if out.json {
            struct Summary: Encodable { var graph: String; var triples: Int; var format: String; var seconds: Double; var output: String? }
            let summary = Summary(graph: graph, triples: count, format: fmt.rawValue, seconds: seconds, output: output)
            if output != nil { try printJSON(summary) } else { printError(String(decoding: try jsonData(summary), as: UTF8.self)) }
        } else if output != nil {
            print("exported \(grouped(count)) triples of \(graph) to \(output ?? "")")
        }
    }
}

func jsonData<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
}

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse a file without storing it and print its triples (like Jena's riot).",
        discussion: """
            Exit status 0 when the input is valid, 1 with the error's file, line and column otherwise.

            Examples:
              quiver convert ontology/demo.ttl --to nt
              quiver convert data.nt --to tsv
              cat doc.ttl | quiver convert - --format ttl --base http://example.org/
            """)
    @Argument(help: "Input file (- for standard input).") var file: String
    @Option(help: "auto, nt, ttl, tsv, csv, jsonl or 2wiki.") var format = "auto"
    @Option(help: ArgumentHelp("Base IRI for relative IRIs in Turtle.", valueName: "iri")) var base: String?
    @Option(help: "nt or tsv.") var to = "nt"
    @Flag(help: "Only check the input; print the triple count.") var check = false

    func validate() throws {
        if format != "auto" && InputFormat(name: format) == nil {
            throw ValidationError("unknown --format '\(format)'; use auto, nt, ttl, tsv, csv, jsonl or 2wiki")
        }
        if OutputFormat(name: to) == nil { throw ValidationError("unknown --to '\(to)'; use nt or tsv") }
    }

    func run() throws {
        guard let inputFormat = format == "auto" ? InputFormat.detect(fileName: file) : InputFormat(name: format) else {
            throw CLIError(message: "cannot tell the format of '\(file)' from its name; pass --format", code: 2)
        }
        let writer = TripleWriter(format: OutputFormat(name: to) ?? .ntriples)
        let source: any ByteSource
        do { source = try openInput(path: file) } catch { throw CLIError(message: "\(error)") }
        let baseIRI = base ?? (file == "-" ? nil : URL(fileURLWithPath: file).standardizedFileURL.absoluteString)
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
}
