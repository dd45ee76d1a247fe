import Foundation
import QuiverCore
import QuiverGraph
import Testing
@testable import QuiverPaths

/// Exact answers on the bundled demo graph (ontology/demo-graph.tsv), worked out by hand from its
/// 37 triples: the queries `make demo` runs must keep giving these.
@Suite struct DemoGraphTests {
    static let triples: [(String, String, String)] = {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = (try? String(contentsOf: repo.appendingPathComponent("ontology/demo-graph.tsv"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line in
            let f = line.split(separator: "\t").map(String.init)
            return (f[0], f[1], f[2])
        }
    }()
    let snap = makeSnapshot(triples)
    var engine: PathEngine { PathEngine(snapshot: snap, inverses: ["child_of": "parent_of"]) }

    func render(_ r: PathResult) -> [String] {
        r.paths.map { p in
            var s = snap.nodeName(p.nodes[0])
            for (i, st) in p.steps.enumerated() {
                s += st.direction == .out ? " -\(snap.relationName(st.relation))-> " : " <-\(snap.relationName(st.relation))- "
                s += snap.nodeName(p.nodes[i + 1])
            }
            return s
        }
    }

    @Test func demoGraphIsComplete() {
        #expect(Self.triples.count == 37)
        #expect(snap.edgeCount == 37)
    }

    @Test func birthCountryByPathExpression() throws {
        let r = try engine.paths(from: "grace", to: "france", via: "born_in/located_in+")
        #expect(render(r) == ["grace -born_in-> paris -located_in-> ile_de_france -located_in-> france"])
        // erin was born in Rome: no born_in/located_in+ path reaches France.
        #expect(try engine.paths(from: "erin", to: "france", via: "born_in/located_in+").paths.isEmpty)
    }

    @Test func compositionWithWitnesses() throws {
        let r = try engine.hop(from: "erin", relations: ["born_in", "located_in", "located_in"])
        #expect(r.tails.map { snap.nodeName($0.tail) } == ["italy"])
        #expect(r.tails.first?.witnesses.map { $0.map(snap.nodeName) } == [["rome", "lazio"]])
        // Grandparents through the ontology's inverse name: grace's parent is carol, whose parents are alice and dave.
        let g = try engine.hop(from: "grace", relations: ["child_of", "child_of"])
        #expect(g.tails.map { snap.nodeName($0.tail) } == ["alice", "dave"])
    }

    /// The one 3-hop connection, then the 4-hop ones in name order: [bob, acme, paris],
    /// [bob, alice, carol], [bob, dave, carol], [frank, bob, carol].
    @Test func kShortestInBothDirections() throws {
        var o = PathOptions()
        o.direction = .both
        let r = try engine.paths(from: "erin", to: "grace", mode: .kShortest, k: 5, options: o)
        #expect(render(r) == [
            "erin <-parent_of- bob -sibling_of-> carol -parent_of-> grace",
            "erin <-parent_of- bob -works_for-> acme -headquartered_in-> paris <-born_in- grace",
            "erin <-parent_of- bob <-parent_of- alice -parent_of-> carol -parent_of-> grace",
            "erin <-parent_of- bob <-parent_of- dave -parent_of-> carol -parent_of-> grace",
            "erin -sibling_of-> frank <-parent_of- bob -sibling_of-> carol -parent_of-> grace",
        ])
    }

    @Test func reachThroughParents() throws {
        let r = try engine.reach(from: "alice", via: "parent_of+")
        let got = r.endpoints.map { "\(snap.nodeName($0.node)):\($0.distance)" }.sorted()
        #expect(got == ["bob:1", "carol:1", "erin:2", "frank:2", "grace:2"])
    }
}
