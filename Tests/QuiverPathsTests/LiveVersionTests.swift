import QuiverCore
@testable import QuiverGraph
import Testing
@testable import QuiverPaths

/// Versions made by applying writes to a base snapshot answer exactly what a snapshot built from
/// the resulting triples answers, for every search, and compact into the same arrays.
@Suite struct LiveVersionTests {
    typealias T = (String, String, String)
    static let names = ["a", "B", "c", "d", "e", "f", "g", "h", "i"]
    static let relations = ["p", "q", "r", "s"]

    static func change(_ seq: Int64, _ kind: GraphChange.Kind, _ triples: [T], provenance: [UInt8] = []) -> GraphChange {
        GraphChange(seq: seq, kind: kind, subjects: triples.map { Term.name($0.0).id.rawValue },
                    predicates: triples.map { Term.name($0.1).id.rawValue }, objects: triples.map { Term.name($0.2).id.rawValue },
                    provenance: provenance)
    }

    static var terms: [Int64: Term] {
        Dictionary(uniqueKeysWithValues: (names + relations + ["x", "y"]).map { (Term.name($0).id.rawValue, Term.name($0)) })
    }

    /// A random base graph and a random run of writes (adds of new and known triples, deletes of
    /// present and absent ones, a node's every edge deleted), in one to three batches. Returns the
    /// version and the triples it must hold.
    static func randomVersion(_ rng: inout SeededRandom) throws -> (CSRSnapshot, [T], CSRSnapshot) {
        let baseTriples = PathPropertyTests.randomGraph(&rng)
        let base = makeSnapshot(baseTriples)
        var current = Set(baseTriples.map { [$0.0, $0.1, $0.2] })
        var version = base
        var seq = base.changeSeq
        // A small layer of 0 to 8 edges makes writes land in both layers and merge them often.
        let capacity = [0, 1, 3, 8, GraphDelta.defaultRecentCapacity].randomElement(using: &rng)!
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
            var batch: [GraphChange] = []
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                seq += 1
                var triples: [T] = []
                let kind: GraphChange.Kind = Bool.random(using: &rng) ? .add : .delete
                for _ in 0..<Int.random(in: 1...5, using: &rng) {
                    if kind == .delete, Bool.random(using: &rng), let t = current.randomElement(using: &rng) {
                        triples.append((t[0], t[1], t[2]))
                    } else {
                        triples.append((names.randomElement(using: &rng)!, relations.randomElement(using: &rng)!, names.randomElement(using: &rng)!))
                    }
                }
                if kind == .delete && Int.random(in: 0..<4, using: &rng) == 0, let victim = current.randomElement(using: &rng)?[0] {
                    // Every edge of one node.
                    triples += current.filter { $0[0] == victim || $0[2] == victim }.map { ($0[0], $0[1], $0[2]) }
                }
                for t in triples {
                    if kind == .add { current.insert([t.0, t.1, t.2]) } else { current.remove([t.0, t.1, t.2]) }
                }
                batch.append(change(seq, kind, triples))
            }
            version = try version.applying(batch, terms: terms, recentCapacity: capacity)
        }
        // Every relation of the random expressions stays, as in `PathPropertyTests.randomGraph`.
        let anchors: [T] = [("x", "q", "y"), ("y", "p", "x"), ("x", "r", "x")]
        seq += 1
        version = try version.applying([change(seq, .add, anchors)], terms: terms)
        for t in anchors { current.insert([t.0, t.1, t.2]) }
        let final = current.sorted { $0.joined(separator: "\t") < $1.joined(separator: "\t") }.map { ($0[0], $0[1], $0[2]) }
        return (version, final, base)
    }

    @Test func compactionGivesTheArraysOfABuild() throws {
        var rng = SeededRandom(seed: 11)
        for round in 0..<300 {
            let (version, final, _) = try Self.randomVersion(&rng)
            let built = makeSnapshot(final), merged = version.compacted()
            #expect(version.edgeCount == built.edgeCount, "round \(round)")
            #expect(merged.nodeTermIDs == built.nodeTermIDs, "round \(round)")
            #expect(merged.relationTermIDs == built.relationTermIDs, "round \(round)")
            #expect(merged.nodeTerms == built.nodeTerms && merged.relationTerms == built.relationTerms, "round \(round)")
            #expect(merged.outOffsets == built.outOffsets && merged.outTargets == built.outTargets && merged.outRelations == built.outRelations, "round \(round)")
            #expect(merged.inOffsets == built.inOffsets && merged.inSources == built.inSources && merged.inRelations == built.inRelations, "round \(round)")
            #expect(merged.inEdges == built.inEdges && merged.provenance == built.provenance && merged.split == built.split, "round \(round)")
            for name in Self.names {
                #expect((version.node(named: name) == nil) == (built.node(named: name) == nil), "round \(round) node \(name)")
            }
            for name in Self.relations {
                #expect((version.relation(named: name) == nil) == (built.relation(named: name) == nil), "round \(round) relation \(name)")
            }
        }
    }

    @Test(arguments: [true, false])
    func everySearchOnAVersionMatchesBruteForce(plain: Bool) throws {
        var rng = SeededRandom(seed: plain ? 5 : 6)
        var checked = 0
        for round in 0..<200 {
            let (version, final, _) = try Self.randomVersion(&rng)
            var engine = PathEngine(snapshot: version)
            engine.plainSearchEnabled = plain
            let direction = Direction.allCases[round % 3]
            let via: String? = round % 2 == 0 ? nil : PathPropertyTests.randomExpression(&rng)
            let reference = ReferenceSearch(triples: final, direction: direction, expression: try via.map(PathExpression.parse))
            let nodes = Array(Set(final.flatMap { [$0.0, $0.2] })).sorted()
            var options = PathOptions()
            options.direction = direction
            options.maxHops = Int.random(in: 0...3, using: &rng)
            options.limit = 10_000
            let maxHops = options.maxHops!
            for _ in 0..<4 {
                guard let s = nodes.randomElement(using: &rng), let t = nodes.randomElement(using: &rng) else { break }
                for mode in PathMode.allCases {
                    let got = try engine.paths(from: s, to: t, mode: mode, k: 3, via: via, options: options).paths.map { NamedPath($0, in: version) }
                    if mode == .shortest {
                        let all = reference.paths(from: s, to: t, mode: .allShortest, k: 3, maxHops: maxHops)
                        #expect(got.count == min(all.count, 1), "round \(round) shortest \(s)→\(t)")
                        if let path = got.first { #expect(all.contains(path), "round \(round) shortest \(s)→\(t): \(path)") }
                    } else {
                        #expect(got == reference.paths(from: s, to: t, mode: mode, k: 3, maxHops: maxHops),
                                "round \(round) \(mode) \(s)→\(t) dir \(direction) via \(via ?? "-")\n\(final)")
                    }
                    checked += 1
                }
                let count = try engine.countPaths(from: s, to: t, via: via, options: options)
                #expect(Int(count.total) == reference.count(from: s, to: t, maxHops: maxHops), "count round \(round)")
                var reached: [String: Int] = [:]
                for e in try engine.reach(from: s, via: via, options: options).endpoints { reached[version.nodeName(e.node)] = e.distance }
                #expect(reached == reference.reach(from: s, maxHops: maxHops), "reach round \(round) \(s)\n\(final)")
                let built = PathEngine(snapshot: makeSnapshot(final))
                var o = PathOptions()
                o.direction = direction
                let mine = try engine.neighbors(of: s, options: o).neighbors.map { "\(version.relationName($0.relation)) \($0.direction) \(version.nodeName($0.node))" }
                let theirs = try built.neighbors(of: s, options: o).neighbors.map { "\(built.snapshot.relationName($0.relation)) \($0.direction) \(built.snapshot.nodeName($0.node))" }
                #expect(mine == theirs, "neighbors round \(round) \(s)")
            }
            // A node whose every edge is gone is unknown, as in a build.
            for name in Self.names where !nodes.contains(name) {
                #expect(throws: PathError.self) { try engine.paths(from: name, to: name) }
            }
        }
        #expect(checked > 2000)
    }

    @Test func hopOnAVersionMatchesABuild() throws {
        var rng = SeededRandom(seed: 9)
        for round in 0..<150 {
            let (version, final, _) = try Self.randomVersion(&rng)
            guard let head = final.randomElement(using: &rng)?.0 else { continue }
            let present = Array(Set(final.map(\.1))).sorted()
            let rels = (0..<Int.random(in: 1...3, using: &rng)).map { _ in (Bool.random(using: &rng) ? "^" : "") + present.randomElement(using: &rng)! }
            let built = makeSnapshot(final)
            let got = try PathEngine(snapshot: version).hop(from: head, relations: rels)
            let want = try PathEngine(snapshot: built).hop(from: head, relations: rels)
            #expect(got.tails.map { version.nodeName($0.tail) } == want.tails.map { built.nodeName($0.tail) }, "round \(round)")
            #expect(got.tails.map { $0.witnesses.map { $0.map(version.nodeName) } } == want.tails.map { $0.witnesses.map { $0.map(built.nodeName) } }, "round \(round)")
        }
    }

    @Test func aVersionSharesItsBaseAndAnOldVersionIsUnchanged() throws {
        let base = makeSnapshot([("a", "p", "b"), ("b", "p", "c")])
        let v1 = try base.applying([Self.change(base.changeSeq + 1, .add, [("c", "p", "d")])], terms: [Term.name("d").id.rawValue: .name("d")])
        let v2 = try v1.applying([Self.change(v1.changeSeq + 1, .delete, [("b", "p", "c")])], terms: [:])
        let v3 = try v2.applying([Self.change(v2.changeSeq + 1, .delete, [("a", "p", "b")])], terms: [:])
        #expect(v1.baseIdentity == base.baseIdentity && v3.baseIdentity == base.baseIdentity)
        #expect(try PathEngine(snapshot: v1).paths(from: "a", to: "d").paths.first?.length == 3)
        #expect(try PathEngine(snapshot: v2).paths(from: "a", to: "d").paths.isEmpty)
        #expect(try PathEngine(snapshot: v2).paths(from: "a", to: "b").paths.first?.length == 1)
        #expect(throws: PathError.self) { try PathEngine(snapshot: base).paths(from: "b", to: "d") }
        // Once its only edge is deleted, a node is unknown, as in a build.
        #expect(throws: PathError.self) { try PathEngine(snapshot: v3).paths(from: "a", to: "c") }
        #expect(try PathEngine(snapshot: v1).paths(from: "a", to: "c").paths.first?.length == 2)
        // A change that does not follow the version's sequence is refused.
        #expect(throws: DeltaError.self) { try v3.applying([Self.change(v3.changeSeq + 2, .add, [("a", "p", "b")])], terms: [:]) }
        // An add naming a term neither known nor given is refused.
        #expect(throws: DeltaError.self) { try v3.applying([Self.change(v3.changeSeq + 1, .add, [("zz", "p", "b")])], terms: [:]) }
    }

    /// Writes rewrite only the delta's small layer; the large one is shared until the small one
    /// outgrows its capacity, or a write drops one of the large layer's edges.
    @Test func aWriteRewritesOnlyTheSmallLayer() throws {
        let base = makeSnapshot([("a", "p", "b")])
        var version = base
        var terms: [Int64: Term] = [:]
        var settledMerges = 0
        for i in 0..<20 {
            let t = ("n\(i)", "p", "n\(i + 1)")
            for name in [t.0, t.2] { terms[Term.name(name).id.rawValue] = .name(name) }
            let next = try version.applying([Self.change(version.changeSeq + 1, .add, [t])], terms: terms, recentCapacity: 4)
            if next.delta.settled !== version.delta.settled { settledMerges += 1 }
            #expect(next.delta.recent.count <= 4 && next.delta.addedCount == i + 1)
            version = next
        }
        // 20 edges through a layer of 4: merged when the 5th, 10th, 15th and 20th arrive.
        #expect(settledMerges == 4)
        let engine = try PathEngine(snapshot: version)
        for i in 0..<19 { #expect(try engine.paths(from: "n\(i)", to: "n\(i + 2)").paths.first?.length == 2, "n\(i)") }
        // Deleting a settled edge merges the layers; deleting a recent one does not.
        let settledBefore = version.delta.settled
        let v1 = try version.applying([Self.change(version.changeSeq + 1, .delete, [("n0", "p", "n1")])], terms: [:])
        #expect(v1.delta.settled !== settledBefore && v1.delta.recent.count == 0 && v1.delta.addedCount == 19)
        let v2 = try v1.applying([Self.change(v1.changeSeq + 1, .add, [("n0", "p", "n1")])], terms: terms, recentCapacity: 4)
        let v3 = try v2.applying([Self.change(v2.changeSeq + 1, .delete, [("n0", "p", "n1")])], terms: [:])
        #expect(v3.delta.settled === v2.delta.settled && v3.delta.addedCount == 19)
        #expect(try PathEngine(snapshot: v3).paths(from: "n1", to: "n3").paths.first?.length == 2)
        // n0 lost its only edge: unknown, as in a build.
        #expect(throws: PathError.self) { try PathEngine(snapshot: v3).paths(from: "n0", to: "n2") }
    }
}
