import ArgumentParser
import Foundation
import QuiverCore
import QuiverParsers
import QuiverStore

struct OntologyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ontology",
        abstract: "Load or show a graph's ontology (inverses, chains, symmetric/transitive, domain/range).",
        discussion: """
            Quiver reads owl:inverseOf, rdfs:domain, rdfs:range, owl:SymmetricProperty, owl:TransitiveProperty, owl:propertyChainAxiom, rdfs:label and rdfs:comment from a Turtle file. In a graph of plain names (TSV), a relation IRI matches by its local name.

            Examples:
              quiver ontology load demo ontology/demo.ttl
              quiver ontology show demo --json
            """,
        subcommands: [LoadOntology.self, ShowOntology.self])

    struct LoadOntology: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "load", abstract: "Replace a graph's ontology with a Turtle file's axioms.")
        @Argument(help: "The graph.") var graph: String
        @Argument(help: "A Turtle file.") var file: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let source: any ByteSource
            do { source = try openInput(path: file) } catch { throw CLIError(message: "\(error)") }
            let base = file == "-" ? nil : URL(fileURLWithPath: file).standardizedFileURL.absoluteString
            var reader = makeTripleReader(format: .turtle, source: AnyByteSource(source), fileName: file, baseIRI: base)
            var triples: [Triple] = []
            var batch: [Triple] = []
            do {
                while try reader.readBatch(into: &batch, maxCount: 10_000) {
                    triples += batch
                    batch.removeAll(keepingCapacity: true)
                }
            } catch let e as ParseError {
                throw CLIError(message: e.description)
            }
            let onto: Ontology
            do { onto = try Ontology(triples: triples) } catch let e as OntologyError {
                throw CLIError(message: "\(file): \(e.message)")
            }
            try store.open().saveOntology(onto, graph: graph)
            if output.json { try printJSON(OntologySummary(graph: graph, onto)); return }
            print("""
                loaded ontology of \(graph): \(onto.declarations.count) relations, \(onto.inverses.count) inverse pairs, \
                \(onto.chains.count) chain axioms, \(onto.symmetric.count) symmetric, \(onto.transitive.count) transitive
                """)
        }
    }

    struct ShowOntology: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print a graph's ontology.")
        @Argument(help: "The graph.") var graph: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let onto = try store.open().ontology(graph: graph)
            if output.json { try printJSON(OntologySummary(graph: graph, onto)); return }
            if onto.isEmpty { print("\(graph) has no ontology; load one with `quiver ontology load \(graph) FILE.ttl`"); return }
            for d in onto.declarations {
                var line = "relation \(localName(of: d.relation))"
                if let l = d.label { line += "  \"\(l)\"" }
                print(line)
            }
            for pair in onto.inverses where pair.count == 2 { print("inverse  \(localName(of: pair[0])) ⟷ \(localName(of: pair[1]))") }
            for r in onto.symmetric.sorted() { print("symmetric  \(localName(of: r))") }
            for r in onto.transitive.sorted() { print("transitive \(localName(of: r))") }
            for (r, c) in onto.domains.sorted(by: { $0.key < $1.key }) { print("domain   \(localName(of: r)): \(c.map(localName(of:)).joined(separator: ", "))") }
            for (r, c) in onto.ranges.sorted(by: { $0.key < $1.key }) { print("range    \(localName(of: r)): \(c.map(localName(of:)).joined(separator: ", "))") }
            for c in onto.chains { print("chain    \(c)") }
        }
    }
}

struct OntologySummary: Encodable {
    var graph: String
    var relations: [Ontology.Declaration]
    var inverses: [[String]]
    var symmetric: [String]
    var transitive: [String]
    var domains: [String: [String]]
    var ranges: [String: [String]]
    var chains: [Ontology.ChainAxiom]

    init(graph: String, _ o: Ontology) {
        self.graph = graph
        relations = o.declarations
        inverses = o.inverses
        symmetric = o.symmetric.sorted()
        transitive = o.transitive.sorted()
        domains = o.domains
        ranges = o.ranges
        chains = o.chains
    }
}
