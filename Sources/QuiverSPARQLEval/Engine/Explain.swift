import Foundation
import QuiverGraph
import QuiverSPARQLSyntax

/// `--explain`: what the evaluation did, as a tree of operators with the rows each produced
/// (actual), the time it took, and for basic graph patterns each pattern's estimate from the
/// graph's counts (the planner picks the next pattern per row by these estimates under the
/// row's bindings; the estimates shown are those with the query's constants alone).
final class ExplainRecorder {
    final class Node {
        let name: String
        var details: [String] = []
        var rows = 0
        var milliseconds = 0.0
        var children: [Node] = []
        init(_ name: String) { self.name = name }
    }

    let root = Node("query")
    private var stack: [Node] = []

    init() { stack = [root] }

    /// Runs `body` as an operator named `name` under the current one, recording its rows and time.
    func record(_ name: String, details: [String] = [], _ body: () throws -> [[Int64]]) rethrows -> [[Int64]] {
        let node = Node(name)
        node.details = details
        stack.last!.children.append(node)
        stack.append(node)
        defer { stack.removeLast() }
        let start = DispatchTime.now().uptimeNanoseconds
        let rows = try body()
        node.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        node.rows = rows.count
        return rows
    }

    /// The tree as indented lines.
    var text: String {
        var lines: [String] = []
        func walk(_ n: Node, _ depth: Int) {
            let pad = String(repeating: "  ", count: depth)
            if n !== root {
                lines.append(pad + n.name + "  rows \(n.rows)  " + String(format: "%.3f ms", n.milliseconds))
                for d in n.details { lines.append(pad + "    " + d) }
            }
            for c in n.children { walk(c, n === root ? depth : depth + 1) }
        }
        walk(root, 0)
        return lines.joined(separator: "\n")
    }
}

extension PropertyPath {
    /// The path in SPARQL's syntax (IRIs written whole).
    var sparql: String {
        switch self {
        case .iri(let iri): "<\(iri)>"
        case .inverse(let p): "^" + p.sparql
        case .sequence(let a, let b): "(\(a.sparql)/\(b.sparql))"
        case .alternative(let a, let b): "(\(a.sparql)|\(b.sparql))"
        case .zeroOrMore(let p): p.sparql + "*"
        case .oneOrMore(let p): p.sparql + "+"
        case .zeroOrOne(let p): p.sparql + "?"
        case .negatedSet(let members):
            "!(" + members.map { m in
                switch m {
                case .forward(let iri): "<\(iri)>"
                case .inverse(let iri): "^<\(iri)>"
                }
            }.joined(separator: "|") + ")"
        }
    }
}

extension Evaluator {
    /// Runs `body` as an operator of the explained plan (or just runs it).
    func traced(_ name: String, details: @autoclosure () -> [String] = [], _ body: () throws -> Solutions) throws -> Solutions {
        guard let explain else { return try body() }
        return try explain.record(name, details: details(), body)
    }

    /// A basic graph pattern's patterns with their estimates from the graph's counts, constants
    /// bound and variables free.
    func describe(_ patterns: [TriplePattern], graph: CSRSnapshot) -> [String] {
        let names = Dictionary(slots.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        func show(_ t: PatternTerm) -> String {
            switch t {
            case .variable(let s): (names[s].map { $0.hasPrefix("_:") ? $0 : "?" + $0 }) ?? "?_\(s)"
            case .constant(let id): terms.term(id).map { $0.displayName } ?? "#\(id)"
            case .any: "[]"
            }
        }
        return patterns.map { p in
            func dense(_ t: PatternTerm, relation: Bool) -> Int32?? {
                guard case .constant(let id) = t else { return .some(nil) }
                guard let d = relation ? graph.relation(termID: id) : graph.node(termID: id) else { return nil }
                return .some(d)
            }
            let estimate: Int
            if let s = dense(p.subject, relation: false), let r = dense(p.predicate, relation: true), let o = dense(p.object, relation: false) {
                estimate = graph.estimatedMatches(subject: s, relation: r, object: o)
            } else {
                estimate = 0
            }
            return "\(show(p.subject)) \(show(p.predicate)) \(show(p.object))  est \(estimate)"
        }
    }
}
