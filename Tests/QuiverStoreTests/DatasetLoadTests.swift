import Foundation
import QuiverCore
import QuiverParsers
import QuiverStore
import QuiverTestSupport
import Testing

/// N-Quads and TriG loads: one transaction across every graph of the file.
@Suite("Dataset loads")
struct DatasetLoadTests {
    let store: Store
    init() throws { store = try TestCluster.store() }

    @Test func aDatasetLandsInItsGraphsAtOnce() throws {
        let base = uniqueGraphName("ds"), g1 = uniqueGraphName("ds-g1"), g2 = uniqueGraphName("ds-g2")
        defer { for g in [base, g1, g2] { _ = try? store.drop(graph: g) } }
        // g1 exists already: its triples merge; g2 is new.
        _ = try store.add(graph: g1, triples: [Triple(.iri("http://x/old"), .iri("http://x/p"), .iri("http://x/o"))])
        let trig = """
            @prefix x: <http://x/> .
            x:a x:p x:b .
            <urn:g1> { x:c x:p x:d . x:old x:p x:o }
            GRAPH <urn:g2> { x:e x:p "f"@en }

            """
        let names = ["urn:g1": g1, "urn:g2": g2]
        let reports = try store.loadDataset(defaultGraph: base, inputs: [.bytes(name: "d.trig", Array(trig.utf8))]) { term in
            guard case .iri(let iri) = term, let name = names[iri] else { throw StoreError.input("unexpected graph \(term)") }
            return name
        }
        #expect(Dictionary(uniqueKeysWithValues: reports.map { ($0.graph, $0.new) }) == [base: 1, g1: 1, g2: 1])
        #expect(reports.first { $0.graph == g1 }?.duplicates == 1)
        #expect(try store.graph(named: g1)?.tripleCount == 2)
        #expect(try store.exportText(g2, format: .ntriples) == #"<http://x/e> <http://x/p> "f"@en ."# + "\n")

        // A syntax error in the last line: no graph changes, and none is made.
        let g3 = uniqueGraphName("ds-g3")
        let bad = "<http://x/s> <http://x/p> <http://x/o> <urn:g3> .\n<http://x/s> <http://x/p> <http://x/o> <urn:g1> .\n<http://x/s> <http://x/p> .\n"
        #expect(throws: StoreError.self) {
            try store.loadDataset(defaultGraph: base, inputs: [.bytes(name: "bad.nq", Array(bad.utf8))]) { term in
                guard case .iri(let iri) = term else { return "?" }
                return iri == "urn:g3" ? g3 : g1
            }
        }
        #expect(try store.graph(named: g3) == nil)
        #expect(try store.graph(named: g1)?.tripleCount == 2)
        // A graph name the caller refuses stops the load before anything is written.
        #expect(throws: StoreError.self) {
            try store.loadDataset(defaultGraph: base, inputs: [.bytes(name: "x.nq", Array("<http://a> <http://b> <http://c> _:g .\n".utf8))]) { _ in
                throw StoreError.input("no blank graph names")
            }
        }
        #expect(try store.graph(named: base)?.tripleCount == 1)
    }
}
