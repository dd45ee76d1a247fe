import QuiverCore

/// Applies `owl:propertyChainAxiom`s (r1 ∘ r2 ∘ … ⊑ r) to a graph: every walk along the body gives a
/// fact (h, r, t), labelled `inferred`, unless the graph has it already. Rules are applied until
/// nothing new appears (at most `maxRounds` rounds), so chains that feed each other close too.
public enum ChainRules {
    public struct Result: Sendable {
        public var graph: FactGraph
        /// New facts per axiom, in the ontology's order.
        public var addedPerAxiom: [(axiom: String, facts: Int)]
        public var added: Int { addedPerAxiom.reduce(0) { $0 + $1.facts } }
    }

    public static func apply(_ ontology: Ontology, to input: FactGraph, maxRounds: Int = 8) -> Result {
        var g = input
        var counts = [Int](repeating: 0, count: ontology.chains.count)
        let plainNames = !input.relationNames.contains { $0.contains("://") || $0.hasPrefix("urn:") }
        for _ in 0..<maxRounds {
            var newRelations: [String] = []
            var extra: [Fact] = []
            var seen = Set<SIMD3<Int32>>()
            for (a, axiom) in ontology.chains.enumerated() {
                let body = axiom.body.map { name in g.relationNames.firstIndex { ontology.matches(name, $0) || $0.hasSameBytes(as: name) } }
                guard body.allSatisfy({ $0 != nil }) else { continue }
                let rels = body.map { Int32($0!) }
                var head = g.relationNames.firstIndex { ontology.matches(axiom.head, $0) || $0.hasSameBytes(as: axiom.head) }.map(Int32.init)
                if head == nil {
                    let name = plainNames ? localName(of: axiom.head) : axiom.head
                    if let i = newRelations.firstIndex(where: { $0.hasSameBytes(as: name) }) { head = Int32(g.relationCount + i) } else {
                        newRelations.append(name)
                        head = Int32(g.relationCount + newRelations.count - 1)
                    }
                }
                let r = head!
                for h in 0..<Int32(g.entityCount) {
                    var frontier: [Int32] = [h]
                    for rel in rels {
                        var next: [Int32] = []
                        for v in frontier { next.append(contentsOf: g.tails(of: v, relation: rel)) }
                        frontier = Array(Set(next)).sorted()
                        if frontier.isEmpty { break }
                    }
                    for t in frontier {
                        if Int(r) < g.relationCount, g.factIndex(h, r, t) != nil { continue }
                        if seen.insert(SIMD3(h, r, t)).inserted {
                            extra.append(Fact(h, r, t, provenance: .inferred))
                            counts[a] += 1
                        }
                    }
                }
            }
            if extra.isEmpty { break }
            g = g.adding(relations: newRelations, facts: extra)
        }
        return Result(graph: g, addedPerAxiom: zip(ontology.chains, counts).map { ($0.description, $1) })
    }
}
