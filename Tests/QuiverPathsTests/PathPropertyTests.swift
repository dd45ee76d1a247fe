import QuiverCore
import QuiverGraph
import Testing
@testable import QuiverPaths

/// Every mode, with and without expressions, in every direction, against brute force on random
/// small graphs with cycles, self-loops, parallel edges, disconnected parts and hubs.
@Suite struct PathPropertyTests {
    static let names = ["a", "B", "c", "d", "e", "f", "g"]
    static let relations = ["p", "q", "r"]

    static func randomGraph(_ rng: inout SeededRandom) -> [(String, String, String)] {
        let n = Int.random(in: 2...6, using: &rng)
        let nodes = Array(names.prefix(n))
        var set: Set<[String]> = []
        let edges = Int.random(in: 0...11, using: &rng)
        for _ in 0..<edges {
            set.insert([nodes.randomElement(using: &rng)!, relations.randomElement(using: &rng)!, nodes.randomElement(using: &rng)!])
        }
        if Bool.random(using: &rng), let hub = nodes.first {
            for v in nodes.prefix(4) { set.insert([hub, "p", v]) }
        }
        // An isolated pair so some queries cross disconnected parts.
        // (It also makes every relation exist, so random expressions always resolve.)
        set.insert(["x", "q", "y"])
        set.insert(["y", "p", "x"])
        set.insert(["x", "r", "x"])
        return set.sorted { $0.joined(separator: "\t") < $1.joined(separator: "\t") }.map { ($0[0], $0[1], $0[2]) }
    }

    static func randomExpression(_ rng: inout SeededRandom, depth: Int = 0) -> String {
        let atoms = ["p", "q", "r", "^p", "^q", ".", "^."]
        if depth >= 2 || Int.random(in: 0..<3, using: &rng) == 0 { return atoms.randomElement(using: &rng)! }
        let a = randomExpression(&rng, depth: depth + 1), b = randomExpression(&rng, depth: depth + 1)
        switch Int.random(in: 0..<7, using: &rng) {
        case 0: return "\(a)/\(b)"
        case 1: return "(\(a)|\(b))"
        case 2: return "(\(a))*"
        case 3: return "(\(a))+"
        case 4: return "(\(a))?"
        case 5: return "(\(a)){1,2}"
        default: return "\(a)/(\(b))*"
        }
    }

    /// Also with the shortest-walk DAG walked each way (`Searcher.DAGSteps`): by default the way
    /// is picked per state, so either could go untested.
    @Test(arguments: [Searcher.DAGSteps.cheaper, .fromRow, .fromNext])
    func everyModeMatchesBruteForce(dagSteps: Searcher.DAGSteps) throws {
        var rng = SeededRandom(seed: 20_240_601)
        var checked = 0
        for round in 0..<260 {
            let triples = Self.randomGraph(&rng)
            let snap = makeSnapshot(triples)
            var engine = PathEngine(snapshot: snap)
            engine.dagSteps = dagSteps
            let direction = Direction.allCases[round % 3]
            let via: String? = round % 2 == 0 ? nil : Self.randomExpression(&rng)
            let expression = try via.map(PathExpression.parse)
            let reference = ReferenceSearch(triples: triples, direction: direction, expression: expression)
            let nodes = Array(Set(triples.flatMap { [$0.0, $0.2] })).sorted()
            let maxHops = Int.random(in: 0...3, using: &rng)
            var options = PathOptions()
            options.direction = direction
            options.maxHops = maxHops
            options.limit = 10_000
            for _ in 0..<4 {
                let s = nodes.randomElement(using: &rng)!, t = nodes.randomElement(using: &rng)!
                for mode in PathMode.allCases {
                    let k = 3
                    let got = try engine.paths(from: s, to: t, mode: mode, k: k, via: via, options: options)
                    let want = reference.paths(from: s, to: t, mode: mode, k: k, maxHops: maxHops)
                    let named = got.paths.map { NamedPath($0, in: snap) }
                    if mode == .shortest {
                        // One shortest walk, not necessarily the first in path order: it must be
                        // one of all the shortest walks, and exist exactly when they do.
                        let all = reference.paths(from: s, to: t, mode: .allShortest, k: k, maxHops: maxHops)
                        #expect(named.count == want.count, "round \(round) shortest \(s)→\(t) dir \(direction) via \(via ?? "-")")
                        if let path = named.first {
                            #expect(all.contains(path), "round \(round) shortest \(s)→\(t) dir \(direction) via \(via ?? "-") hops \(maxHops): \(path) is not a shortest walk\n\(triples)")
                        }
                    } else {
                        #expect(named == want, "round \(round) \(mode) \(s)→\(t) dir \(direction) via \(via ?? "-") hops \(maxHops)\n\(triples)")
                    }
                    if got.reason == .limit || got.reason == .timeout { Issue.record("unexpected truncation \(String(describing: got.reason))") }
                    checked += 1
                }
                let count = try engine.countPaths(from: s, to: t, via: via, options: options)
                #expect(Int(count.total) == reference.count(from: s, to: t, maxHops: maxHops), "count round \(round) \(s)→\(t)")
                let reach = try engine.reach(from: s, via: via, options: options)
                var got: [String: Int] = [:]
                for e in reach.endpoints { got[snap.nodeName(e.node)] = e.distance }
                #expect(got == reference.reach(from: s, maxHops: maxHops), "reach round \(round) \(s) dir \(direction) via \(via ?? "-")\n\(triples)")
            }
        }
        #expect(checked > 4000)
    }

    @Test func hopMatchesBruteForce() throws {
        var rng = SeededRandom(seed: 7)
        for round in 0..<150 {
            let triples = Self.randomGraph(&rng)
            let snap = makeSnapshot(triples)
            let engine = PathEngine(snapshot: snap)
            let present = Array(Set(triples.map(\.1))).sorted()
            let k = Int.random(in: 1...3, using: &rng)
            let rels = (0..<k).map { _ in (Bool.random(using: &rng) ? "^" : "") + present.randomElement(using: &rng)! }
            let head = triples.randomElement(using: &rng)!.0
            let got = try engine.hop(from: head, relations: rels)
            let reference = ReferenceSearch(triples: triples, direction: .out, expression: try PathExpression.parse(rels.joined(separator: "/")))
            var want: [String: Set<[String]>] = [:]
            for (nodes, w) in reference.walks(from: head, maxHops: k) where w.count == k && reference.accepts(w) {
                want[nodes.last!, default: []].insert(Array(nodes.dropFirst().dropLast()))
            }
            let gotNamed = Dictionary(uniqueKeysWithValues: got.tails.map { t in
                (snap.nodeName(t.tail), Set(t.witnesses.map { $0.map(snap.nodeName) }))
            })
            #expect(gotNamed == want, "round \(round) \(head) \(rels)\n\(triples)")
            #expect(got.tails.map { snap.nodeName($0.tail) } == want.keys.sorted { PathOrder.less($0, $1) })
        }
    }
}
