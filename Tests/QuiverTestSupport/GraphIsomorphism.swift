import QuiverCore
import QuiverParsers

/// RDF graph isomorphism (RDF 1.1 Concepts section 3.6): equal up to a renaming of blank nodes.
///
/// Blank nodes are first coloured by refining, a few rounds, the multiset of their
/// (position, predicate, neighbour) triples; then a backtracking search maps blank nodes of one graph
/// onto same-coloured ones of the other, checking every triple as soon as its blank nodes are all
/// mapped. Meant for test-suite-sized graphs; the W3C harnesses (RDF/XML, SPARQL's CONSTRUCT)
/// compare graphs with it.
public enum GraphIsomorphism {
    public static func isomorphic(_ a: [Triple], _ b: [Triple]) -> Bool {
        let setA = Set(a), setB = Set(b)
        guard setA.count == setB.count else { return false }
        let groundA = setA.filter { !hasBlank($0) }, groundB = setB.filter { !hasBlank($0) }
        guard groundA == groundB else { return false }
        let blankA = setA.filter(hasBlank), blankB = setB.filter(hasBlank)
        let colorsA = colors(blankA), colorsB = colors(blankB)
        guard colorsA.values.sorted() == colorsB.values.sorted() else { return false }
        let nodesA = colorsA.keys.sorted { (colorsA[$0]!, $0) < (colorsA[$1]!, $1) }
        var byColorB: [Int: [String]] = [:]
        for (node, color) in colorsB { byColorB[color, default: []].append(node) }
        var triplesOf: [String: [Triple]] = [:]
        for t in blankA {
            for case .blank(let label) in [t.subject, t.object] { triplesOf[label, default: []].append(t) }
        }
        var mapping: [String: String] = [:]
        var used: Set<String> = []

        func mapped(_ term: Term) -> Term? {
            guard case .blank(let label) = term else { return term }
            return mapping[label].map(Term.blank)
        }
        func consistent(_ node: String) -> Bool {
            for t in triplesOf[node] ?? [] {
                guard let s = mapped(t.subject), let o = mapped(t.object) else { continue }
                if !blankB.contains(Triple(s, t.predicate, o)) { return false }
            }
            return true
        }
        func search(_ k: Int) -> Bool {
            guard k < nodesA.count else { return true }
            let node = nodesA[k]
            for candidate in byColorB[colorsA[node]!] ?? [] where !used.contains(candidate) {
                mapping[node] = candidate
                used.insert(candidate)
                if consistent(node) && search(k + 1) { return true }
                mapping[node] = nil
                used.remove(candidate)
            }
            return false
        }
        return search(0)
    }

    private static func hasBlank(_ t: Triple) -> Bool {
        if case .blank = t.subject { return true }
        if case .blank = t.object { return true }
        return false
    }

    /// Colour refinement: a blank node's colour is, round after round, a hash of its own colour and
    /// the sorted descriptions of the triples it is in (other blank nodes by their colour).
    private static func colors(_ triples: Set<Triple>) -> [String: Int] {
        var color: [String: Int] = [:]
        for t in triples {
            for case .blank(let label) in [t.subject, t.object] { color[label] = 0 }
        }
        func describe(_ term: Term) -> String {
            if case .blank(let label) = term { return "_\(color[label]!)" }
            return NTriples.format(term)
        }
        for _ in 0..<4 {
            var signatures: [String: [String]] = [:]
            for t in triples {
                let s = describe(t.subject), p = NTriples.format(t.predicate), o = describe(t.object)
                if case .blank(let label) = t.subject { signatures[label, default: []].append("s \(p) \(o)") }
                if case .blank(let label) = t.object { signatures[label, default: []].append("o \(s) \(p)") }
            }
            var keys: [String: String] = [:]
            for (label, signature) in signatures {
                keys[label] = "\(color[label]!)|" + signature.sorted().joined(separator: "\n")
            }
            // Colours are ranks among the keys, so that they mean the same in both graphs.
            let rank = Dictionary(uniqueKeysWithValues: Set(keys.values).sorted().enumerated().map { ($1, $0) })
            color = keys.mapValues { rank[$0]! }
        }
        return color
    }
}
