import Foundation
import QuiverCore
import QuiverPostgres

extension Store {
    /// Replaces a graph's ontology (the graph is created if needed) in one transaction.
    public func saveOntology(_ ontology: Ontology, graph name: String) throws {
        try validateGraphName(name)
        try withConnection { conn in
            try conn.transaction {
                let target = try GraphTarget.prepare(name: name, conn, createIndexedIfNew: true)
                _ = try conn.execute("DELETE FROM ontology_axioms WHERE graph_id = $1", [.int32(target.id)])
                func insert(_ kind: String, _ relation: String, other: String? = nil, chain: [String]? = nil,
                            label: String? = nil, comment: String? = nil) throws {
                    _ = try conn.execute(
                        "INSERT INTO ontology_axioms (graph_id, kind, relation, other, chain, label, comment) VALUES ($1, $2, $3, $4, $5::text[], $6, $7)",
                        [.int32(target.id), .text(kind), .text(relation), other.map(PGValue.text) ?? .null,
                         chain.map { .text(pgArrayLiteral($0)) } ?? .null, label.map(PGValue.text) ?? .null,
                         comment.map(PGValue.text) ?? .null])
                }
                for d in ontology.declarations { try insert("declare", d.relation, label: d.label, comment: d.comment) }
                for pair in ontology.inverses where pair.count == 2 { try insert("inverse", pair[0], other: pair[1]) }
                for (r, classes) in ontology.domains.sorted(by: { $0.key < $1.key }) { for c in classes { try insert("domain", r, other: c) } }
                for (r, classes) in ontology.ranges.sorted(by: { $0.key < $1.key }) { for c in classes { try insert("range", r, other: c) } }
                for r in ontology.symmetric.sorted() { try insert("symmetric", r) }
                for r in ontology.transitive.sorted() { try insert("transitive", r) }
                for c in ontology.chains { try insert("chain", c.head, chain: c.body) }
                try target.recordChange(conn, kind: "ontology", added: 0, removed: 0)
            }
        }
    }

    /// The ontology stored for a graph (empty when none was loaded).
    public func ontology(graph name: String) throws -> Ontology {
        try withConnection { conn in
            guard let g = try Store.graph(named: name, conn) else { throw StoreError.graphNotFound(name) }
            let r = try conn.execute("""
                SELECT kind, relation, other, array_to_json(chain)::text, label, comment
                FROM ontology_axioms WHERE graph_id = $1 ORDER BY ordinal
                """, [.int32(g.id)])
            var onto = Ontology()
            for i in 0..<r.rowCount {
                let relation = r.string(i, 1) ?? ""
                let other = r.string(i, 2)
                switch r.string(i, 0) {
                case "declare": onto.declarations.append(.init(relation: relation, label: r.string(i, 4), comment: r.string(i, 5)))
                case "inverse": if let other { onto.inverses.append([relation, other]) }
                case "domain": if let other { onto.domains[relation, default: []].append(other) }
                case "range": if let other { onto.ranges[relation, default: []].append(other) }
                case "symmetric": onto.symmetric.insert(relation)
                case "transitive": onto.transitive.insert(relation)
                case "chain": onto.chains.append(.init(head: relation, body: parseJSONStringArray(r.string(i, 3) ?? "[]")))
                default: break
                }
            }
            return onto
        }
    }
}

/// A PostgreSQL array literal of text values: {"a","b\"c"}.
func pgArrayLiteral(_ items: [String]) -> String {
    "{" + items.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        .joined(separator: ",") + "}"
}

/// Parses the JSON array of strings that `array_to_json(text[])` produces.
func parseJSONStringArray(_ json: String) -> [String] {
    (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String] ?? []
}
