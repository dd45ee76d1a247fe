import QuiverCore
import QuiverGraph
import Testing

/// Triple patterns over live versions (`matchEdges`) give exactly the triples a brute-force filter
/// of the version's triple set gives, for every combination of bound positions, each edge once;
/// `estimatedMatches` counts them (deleted base edges aside).
@Suite struct PatternMatchTests {
    @Test func everyBindingOfAPatternMatchesABruteForceFilter() throws {
        var rng = SeededRandom(seed: 23)
        for round in 0..<150 {
            let (version, final, base) = try LiveVersionTests.randomVersion(&rng)
            for snapshot in [version, base] {
                let triples = snapshot === base ? Self.triples(of: base) : final.map { [$0.0, $0.1, $0.2] }
                let nodes = LiveVersionTests.names + ["x", "y"], relations = LiveVersionTests.relations
                for s in [nil] + nodes.map(Optional.some) {
                    for r in [nil] + relations.map(Optional.some) {
                        for o in [nil, "a", "c", "x"] {
                            let sid = s.flatMap { snapshot.node(named: $0) }, rid = r.flatMap { snapshot.relation(named: $0) }
                            let oid = o.flatMap { snapshot.node(named: $0) }
                            // A name the version does not know matches nothing.
                            if (s != nil && sid == nil) || (r != nil && rid == nil) || (o != nil && oid == nil) { continue }
                            var got: [[String]] = []
                            snapshot.matchEdges(subject: sid, relation: rid, object: oid) { a, p, b in
                                got.append([snapshot.nodeName(a), snapshot.relationName(p), snapshot.nodeName(b)])
                                return true
                            }
                            let want = triples.filter { (s == nil || $0[0] == s) && (r == nil || $0[1] == r) && (o == nil || $0[2] == o) }
                            let label = "round \(round) \(s ?? "?") \(r ?? "?") \(o ?? "?")"
                            #expect(got.count == Set(got).count, "\(label): an edge came twice")
                            #expect(Set(got) == Set(want), "\(label)")
                            let estimate = snapshot.estimatedMatches(subject: sid, relation: rid, object: oid)
                            // Exact without deletions; a deleted base edge may still be counted
                            // (the count comes from the sorted rows' bounds, not a scan).
                            if snapshot === base || snapshot.delta.deletedCount == 0 {
                                #expect(estimate == want.count, "\(label)")
                            } else {
                                #expect(estimate >= want.count && estimate <= want.count + snapshot.delta.deletedCount, "\(label)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// A body that returns false stops the scan at once.
    @Test func aScanStopsWhenAsked() {
        let snapshot = makeSnapshot([("a", "p", "b"), ("a", "p", "c"), ("a", "q", "d")])
        var seen = 0
        let finished = snapshot.matchEdges(subject: snapshot.node(named: "a"), relation: nil, object: nil) { _, _, _ in
            seen += 1
            return seen < 2
        }
        #expect(!finished && seen == 2)
    }

    static func triples(of s: CSRSnapshot) -> [[String]] {
        (0..<Int32(s.baseNodeCount)).flatMap { u in
            s.outEdges(of: u).map { [s.nodeName(u), s.relationName(s.outRelations[$0]), s.nodeName(s.outTargets[$0])] }
        }
    }
}
