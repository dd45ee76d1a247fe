import QuiverCore
import QuiverParsers

/// RDF graph and dataset isomorphism (RDF 1.1 Concepts sections 3.6 and 4.1): equal up to a
/// renaming of blank nodes, one renaming for the whole dataset (graph names included).
///
/// Blank nodes are first coloured by refining, a few rounds, the multiset of their
/// (position, neighbours) statements; then a backtracking search maps blank nodes of one side onto
/// same-coloured ones of the other, checking every statement as soon as its blank nodes are all
/// mapped. Meant for test-suite-sized graphs; the W3C harnesses (RDF/XML, Turtle, TriG, SPARQL's
/// CONSTRUCT) compare graphs and datasets with it.
public enum GraphIsomorphism {
    public static func isomorphic(_ a: [Triple], _ b: [Triple]) -> Bool {
        isomorphic(a.map { Statement($0.subject, $0.predicate, $0.object, nil) },
                   b.map { Statement($0.subject, $0.predicate, $0.object, nil) })
    }

    /// Datasets: the default graph (`graph == nil`) and each named graph must match under one renaming.
    public static func isomorphic(_ a: [Quad], _ b: [Quad]) -> Bool {
        isomorphic(a.map { Statement($0.subject, $0.predicate, $0.object, $0.graph) },
                   b.map { Statement($0.subject, $0.predicate, $0.object, $0.graph) })
    }

    /// A triple or a quad: `terms[3] == nil` is the default graph.
    private struct Statement: Hashable {
        var terms: [Term?]
        init(_ s: Term, _ p: Term, _ o: Term, _ g: Term?) { terms = [s, p, o, g] }
        init(terms: [Term?]) { self.terms = terms }

        var blanks: [String] {
            terms.compactMap { if case .blank(let label)? = $0 { label } else { nil } }
        }
        var hasBlank: Bool { !blanks.isEmpty }
    }

    private static func isomorphic(_ a: [Statement], _ b: [Statement]) -> Bool {
        let setA = Set(a), setB = Set(b)
        guard setA.count == setB.count else { return false }
        let groundA = setA.filter { !$0.hasBlank }, groundB = setB.filter { !$0.hasBlank }
        guard groundA == groundB else { return false }
        let blankA = setA.filter(\.hasBlank), blankB = setB.filter(\.hasBlank)
        let colorsA = colors(blankA), colorsB = colors(blankB)
        guard colorsA.values.sorted() == colorsB.values.sorted() else { return false }
        let nodesA = colorsA.keys.sorted { (colorsA[$0]!, $0) < (colorsA[$1]!, $1) }
        var byColorB: [Int: [String]] = [:]
        for (node, color) in colorsB { byColorB[color, default: []].append(node) }
        var statementsOf: [String: [Statement]] = [:]
        for t in blankA {
            for label in Set(t.blanks) { statementsOf[label, default: []].append(t) }
        }
        var mapping: [String: String] = [:]
        var used: Set<String> = []

        /// The statement with its blank nodes renamed, or nil while one of them is not mapped yet.
        func mapped(_ t: Statement) -> Statement? {
            var terms = t.terms
            for k in terms.indices {
                guard case .blank(let label)? = terms[k] else { continue }
                guard let target = mapping[label] else { return nil }
                terms[k] = .blank(target)
            }
            return Statement(terms: terms)
        }
        func consistent(_ node: String) -> Bool {
            for t in statementsOf[node] ?? [] {
                guard let renamed = mapped(t) else { continue }
                if !blankB.contains(renamed) { return false }
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

    /// Colour refinement: a blank node's colour is, round after round, a hash of its own colour and
    /// the sorted descriptions of the statements it is in (its positions there, other blank nodes
    /// by their colour).
    private static func colors(_ statements: Set<Statement>) -> [String: Int] {
        var color: [String: Int] = [:]
        for t in statements {
            for label in t.blanks { color[label] = 0 }
        }
        func describe(_ term: Term?) -> String {
            switch term {
            case nil: return "-"
            case .blank(let label)?: return "_\(color[label]!)"
            case let term?: return NTriples.format(term)
            }
        }
        for _ in 0..<4 {
            var signatures: [String: [String]] = [:]
            for t in statements {
                let described = t.terms.map(describe).joined(separator: " ")
                for (k, term) in t.terms.enumerated() {
                    if case .blank(let label)? = term { signatures[label, default: []].append("\(k) \(described)") }
                }
            }
            var keys: [String: String] = [:]
            for (label, signature) in signatures {
                keys[label] = "\(color[label]!)|" + signature.sorted().joined(separator: "\n")
            }
            // Colours are ranks among the keys, so that they mean the same on both sides.
            let rank = Dictionary(uniqueKeysWithValues: Set(keys.values).sorted().enumerated().map { ($1, $0) })
            color = keys.mapValues { rank[$0]! }
        }
        return color
    }
}
