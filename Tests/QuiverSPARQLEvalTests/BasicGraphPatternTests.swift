import QuiverCore
import QuiverGraph
import QuiverSPARQLEval
import Testing

/// Basic graph patterns over live versions give the solutions a brute-force join over the
/// version's triples gives, as multisets, whatever order the planner picks.
@Suite struct BasicGraphPatternTests {
    static let nodes = ["a", "b", "c", "d", "e", "p"]   // "p" is also a relation: a term in both roles
    static let relations = ["p", "q", "r"]

    static func id(_ name: String) -> Int64 { Term.name(name).id.rawValue }

    /// A random base and a few random writes applied to it; returns the version and its triples.
    static func randomVersion(_ rng: inout SeededRandom) throws -> (CSRSnapshot, Set<[String]>) {
        var triples = Set<[String]>()
        for _ in 0..<Int.random(in: 3...18, using: &rng) {
            triples.insert([nodes.randomElement(using: &rng)!, relations.randomElement(using: &rng)!, nodes.randomElement(using: &rng)!])
        }
        var builder = SnapshotBuilder(graph: "g")
        for t in triples { builder.add(Triple(.name(t[0]), .name(t[1]), .name(t[2])), provenance: .asserted) }
        var version = builder.build()
        var seq = version.changeSeq
        for _ in 0..<Int.random(in: 0...3, using: &rng) {
            seq += 1
            let add = Bool.random(using: &rng)
            var batch: [[String]] = []
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                if !add, Bool.random(using: &rng), let t = triples.randomElement(using: &rng) { batch.append(t); continue }
                batch.append([nodes.randomElement(using: &rng)!, relations.randomElement(using: &rng)!, nodes.randomElement(using: &rng)!])
            }
            for t in batch { if add { triples.insert(t) } else { triples.remove(t) } }
            let change = GraphChange(seq: seq, kind: add ? .add : .delete, subjects: batch.map { id($0[0]) },
                                     predicates: batch.map { id($0[1]) }, objects: batch.map { id($0[2]) })
            let terms = Dictionary(uniqueKeysWithValues: Set(nodes + relations).map { (id($0), Term.name($0)) })
            version = try version.applying([change], terms: terms)
        }
        return (version, triples)
    }

    static func randomPattern(_ rng: inout SeededRandom, variables: Int) -> TriplePattern {
        // Constants, variables, and now and then a position nothing reads (matched, not bound).
        func term(_ names: [String]) -> PatternTerm {
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: .constant(id(names.randomElement(using: &rng)!))
            case 1: .any
            default: .variable(Int.random(in: 0..<variables, using: &rng))
            }
        }
        let s = term(nodes), p = Int.random(in: 0..<2, using: &rng) == 0 ? term(relations) : .constant(id(relations.randomElement(using: &rng)!))
        return TriplePattern(s, p, term(nodes))
    }

    /// Every assignment of the patterns to triples that agrees on each variable.
    static func bruteForce(_ patterns: [TriplePattern], _ triples: Set<[String]>, width: Int) -> [[Int64]] {
        var out: [[Int64]] = []
        var row = [Int64](repeating: Binding.unbound, count: width)
        func go(_ k: Int) {
            guard k < patterns.count else { out.append(row); return }
            for t in triples {
                let saved = row
                var ok = true
                for (term, value) in zip([patterns[k].subject, patterns[k].predicate, patterns[k].object], t.map(id)) where ok {
                    switch term {
                    case .constant(let c): ok = c == value
                    case .variable(let slot):
                        if row[slot] == Binding.unbound { row[slot] = value } else { ok = row[slot] == value }
                    case .any: break
                    }
                }
                if ok { go(k + 1) }
                row = saved
            }
        }
        go(0)
        return out
    }

    @Test func solutionsMatchABruteForceJoin() throws {
        var rng = SeededRandom(seed: 5)
        for round in 0..<400 {
            let (version, triples) = try Self.randomVersion(&rng)
            let width = Int.random(in: 1...4, using: &rng)
            let patterns = (0..<Int.random(in: 1...3, using: &rng)).map { _ in Self.randomPattern(&rng, variables: width) }
            let bgp = BasicGraphPattern(snapshot: version, patterns: patterns)
            var got: [[Int64]] = []
            var row = [Int64](repeating: Binding.unbound, count: width)
            bgp.solutions(extending: &row) { got.append($0); return true }
            #expect(row.allSatisfy { $0 == Binding.unbound }, "round \(round): the row was not restored")
            let want = Self.bruteForce(patterns, triples, width: width)
            #expect(got.sorted { $0.lexicographicallyPrecedes($1) } == want.sorted { $0.lexicographicallyPrecedes($1) },
                    "round \(round): \(patterns) over \(triples.sorted { $0.joined() < $1.joined() })")
        }
    }

    /// A row that binds a variable already restricts the patterns; emit returning false stops.
    @Test func boundInputsAndEarlyStop() throws {
        var builder = SnapshotBuilder(graph: "g")
        for (s, o) in [("a", "b"), ("a", "c"), ("b", "c"), ("c", "d")] { builder.add(Triple(.name(s), .name("p"), .name(o)), provenance: .asserted) }
        let snapshot = builder.build()
        let bgp = BasicGraphPattern(snapshot: snapshot, patterns: [TriplePattern(.variable(0), .constant(Self.id("p")), .variable(1)),
                                                                     TriplePattern(.variable(1), .constant(Self.id("p")), .variable(2))])
        var row = [Self.id("a"), Binding.unbound, Binding.unbound]
        var got: [[Int64]] = []
        bgp.solutions(extending: &row) { got.append($0); return true }
        #expect(Set(got) == [[Self.id("a"), Self.id("b"), Self.id("c")], [Self.id("a"), Self.id("c"), Self.id("d")]])
        var seen = 0
        let finished = bgp.solutions(extending: &row) { _ in seen += 1; return false }
        #expect(!finished && seen == 1)
        // A constant the graph lacks: no solution, no error.
        let none = BasicGraphPattern(snapshot: snapshot, patterns: [TriplePattern(.variable(0), .constant(Self.id("zz")), .variable(1))])
        var empty = [Binding.unbound, Binding.unbound]
        var count = 0
        none.solutions(extending: &empty) { _ in count += 1; return true }
        #expect(count == 0)
    }
}
