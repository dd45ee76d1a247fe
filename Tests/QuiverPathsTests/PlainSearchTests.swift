import QuiverCore
import QuiverGraph
import Testing
@testable import QuiverPaths

/// `PlainSearch` (queries without an expression or exclusions) against the general search over the
/// product graph, on random graphs with mixed provenance, in every direction.
@Suite struct PlainSearchTests {
    static let provenanceSets: [Set<Provenance>] = [[.asserted], [.asserted, .inferred], [.inferred, .synthetic], Set(Provenance.allCases)]

    /// A random graph (see `PathPropertyTests.randomGraph`) with a random provenance per edge, or
    /// all asserted.
    static func randomGraph(_ rng: inout SeededRandom) -> (triples: [(String, String, String)], provenance: [Provenance]) {
        let triples = PathPropertyTests.randomGraph(&rng)
        let mixed = Bool.random(using: &rng)
        let provenance = triples.map { _ in mixed ? Provenance.allCases.randomElement(using: &rng)! : .asserted }
        return (triples, provenance)
    }

    func pathText(_ p: Path, _ snap: CSRSnapshot) -> String { NamedPath(p, in: snap).text }

    @Test func shortestAndReachAgreeWithTheGeneralSearch() throws {
        var rng = SeededRandom(seed: 31_337)
        var found = 0, compared = 0
        for round in 0..<300 {
            let (triples, provenance) = Self.randomGraph(&rng)
            let snap = makeSnapshot(triples, provenance: provenance)
            let plain = PathEngine(snapshot: snap)
            var general = plain
            general.plainSearchEnabled = false
            let nodes = Array(Set(triples.flatMap { [$0.0, $0.2] })).sorted()
            var options = PathOptions()
            options.direction = Direction.allCases[round % 3]
            options.provenances = Self.provenanceSets[(round / 3) % Self.provenanceSets.count]
            options.maxHops = Int.random(in: 0...4, using: &rng)
            options.limit = 10_000
            let scratch = SearchScratch()
            if round % 2 == 0 { scratch.reserve(for: plain) }
            let context = "round \(round) dir \(options.direction) prov \(options.provenances.map(\.description).sorted()) hops \(options.maxHops!)\n\(zip(triples, provenance).map { "\($0.0) \($0.1) \($0.2) \($1)" })"
            for _ in 0..<5 {
                let s = nodes.randomElement(using: &rng)!, t = nodes.randomElement(using: &rng)!
                // Alternate a kept scratch with none, so both buffer lifetimes are exercised.
                let got = try plain.paths(from: s, to: t, options: options, scratch: compared % 2 == 0 ? scratch : nil)
                let all = try general.paths(from: s, to: t, mode: .allShortest, options: options)
                let want = try general.paths(from: s, to: t, options: options)
                #expect(got.paths.count == want.paths.count, "\(s)→\(t) \(context)")
                if let p = got.paths.first {
                    found += 1
                    #expect(all.paths.contains(p), "\(s)→\(t): \(pathText(p, snap)) is not a shortest walk; all: \(all.paths.map { pathText($0, snap) }) \(context)")
                    #expect(got.reason == nil)
                } else {
                    // No walk within max-hops: if a longer one exists, the cut is reported.
                    var unbounded = options
                    unbounded.maxHops = nil
                    let longer = try general.paths(from: s, to: t, options: unbounded)
                    if !longer.paths.isEmpty { #expect(got.reason == .maxHops, "\(s)→\(t) \(context)") }
                    #expect(got.reason == nil || got.reason == .maxHops)
                }
                for countOnly in [false, true] {
                    let r = try plain.reach(from: s, options: options, scratch: scratch, countOnly: countOnly)
                    let w = try general.reach(from: s, options: options, countOnly: countOnly)
                    #expect(r.endpoints == w.endpoints, "reach \(s) \(context)")
                    #expect(r.total == w.total && r.reason == w.reason, "reach \(s) \(context)")
                    // Both scan the adjacency of every node reached before the last level.
                    #expect(r.stats.edgesScanned == w.stats.edgesScanned, "reach \(s) edges scanned \(context)")
                }
                compared += 1
            }
        }
        #expect(compared == 1500)
        #expect(found > 300)
    }

    @Test func reachAgreesWithBruteForce() throws {
        var rng = SeededRandom(seed: 99)
        for round in 0..<150 {
            let triples = PathPropertyTests.randomGraph(&rng)
            let engine = PathEngine(snapshot: makeSnapshot(triples))
            let direction = Direction.allCases[round % 3]
            let maxHops = Int.random(in: 0...3, using: &rng)
            let reference = ReferenceSearch(triples: triples, direction: direction, expression: nil)
            var options = PathOptions()
            options.direction = direction
            options.maxHops = maxHops
            let s = triples.randomElement(using: &rng)!.0
            let r = try engine.reach(from: s, options: options)
            var got: [String: Int] = [:]
            for e in r.endpoints { got[engine.snapshot.nodeName(e.node)] = e.distance }
            #expect(got == reference.reach(from: s, maxHops: maxHops), "round \(round) \(s) dir \(direction)\n\(triples)")
        }
    }

    /// A hub with many leaves on one side: the search grows the other side (fewer entries to scan)
    /// and still finds the one shortest walk.
    @Test func growsTheCheaperSide() throws {
        var t: [(String, String, String)] = [("s", "r", "hub"), ("hub", "r", "t")]
        for i in 0..<500 { t.append(("hub", "r", "leaf\(i)")) }
        t.append(("x", "r", "s"))
        let engine = PathEngine(snapshot: makeSnapshot(t))
        let r = try engine.paths(from: "s", to: "t")
        #expect(r.paths.map { pathText($0, engine.snapshot) } == ["s -r-> hub -r-> t"])
        // Forward from s (1 entry), then backward from t (1 entry): the hub's 501 are never scanned.
        #expect(r.stats.edgesScanned == 2)
    }

    @Test func timeoutsCancellationAndMemoryBound() throws {
        var t: [(String, String, String)] = []
        for i in 0..<50 { t.append(("n\(i)", "r", "n\(i + 1)")) }
        let engine = PathEngine(snapshot: makeSnapshot(t), maxHopsCeiling: 64)
        var o = PathOptions()
        o.maxHops = 64
        #expect(try engine.paths(from: "n0", to: "n50", options: o).paths.first?.length == 50)
        let token = CancellationToken()
        token.cancel()
        o.cancellation = token
        #expect(try engine.paths(from: "n0", to: "n50", options: o).reason == .cancelled)
        #expect(try engine.reach(from: "n0", options: o).reason == .cancelled)
        o.cancellation = nil
        o.maxFrontier = 10
        #expect(try engine.paths(from: "n0", to: "n50", options: o).reason == .memory)
        #expect(try engine.reach(from: "n0", options: o).reason == .memory)
        o.maxFrontier = 1000
        o.maxHops = 3
        let r = try engine.paths(from: "n0", to: "n50", options: o)
        #expect(r.paths.isEmpty && r.reason == .maxHops)
        #expect(try engine.paths(from: "n7", to: "n7", options: o).paths.first?.length == 0)
    }

    @Test func nodeIndexFindsWhatTheSnapshotFinds() throws {
        var b = SnapshotBuilder(graph: "names")
        let terms: [Term] = [
            .name("usa"), .iri("http://x.org/a"), .name("http://x.org/b"), .blank("b0"),
            .literal("chat", datatype: nil, language: "fr"), .name("<odd"), .name("_:plain"),
        ]
        for (i, term) in terms.enumerated() { b.add(Triple(term, .name("r"), terms[(i + 1) % terms.count])) }
        for i in 0..<3000 { b.add(Triple(.name("n\(i)"), .name("r"), .name("n\(i * 7 % 3000)"))) }
        let snap = b.build()
        let engine = PathEngine(snapshot: snap)
        var probes = snap.nodeNames
        probes += ["<http://x.org/a>", "http://x.org/a", "<http://x.org/b>", "nope", "n3000", "", "\"chat\"@FR", "_:b1"]
        for name in probes {
            #expect((try? engine.node(named: name)) == snap.node(named: name), "\(name)")
        }
    }
}
