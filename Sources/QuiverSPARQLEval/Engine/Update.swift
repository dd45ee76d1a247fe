import Foundation
import QuiverCore
import QuiverGraph
import QuiverParsers
import QuiverSPARQLSyntax

/// What an update request changes, per Quiver graph, relative to the versions it started from:
/// the triples to add and to delete (in the store's form: plain names, not IRIs), and whether
/// the graph exists before and after. The surface commits it in one transaction.
public struct UpdateEffect: Sendable, Equatable {
    public struct Graph: Sendable, Equatable {
        public var name: String
        public var existedBefore: Bool
        public var existsAfter: Bool
        public var added: [Triple]
        public var deleted: [Triple]
    }
    /// The graphs the request touched, in the order it first did.
    public var graphs: [Graph]
    public var operations: Int

    public var inserted: Int { graphs.reduce(0) { $0 + $1.added.count } }
    public var deletedCount: Int { graphs.reduce(0) { $0 + $1.deleted.count } }
}

/// SPARQL 1.1 Update (§3) over graph versions, with no I/O: each operation in order, each seeing
/// the ones before it (their changes applied to working versions as deltas, so a one-triple
/// INSERT DATA into a big graph copies nothing), the whole request's net effect returned for the
/// surface to commit at once. `DELETE`/`INSERT … WHERE` computes both templates from the same
/// solutions, deletes first (§3.1.3).
///
/// Graph IRIs name Quiver graphs as `SPARQLDataset.graphName(of:)` says; the default graph is
/// the graph the request is made on. A graph is made by its first triple or by CREATE.
///
/// ```swift
/// let request = try SPARQLParser.parseUpdate("INSERT DATA { <urn:a> <urn:p> <urn:b> }")
/// let effect = try SPARQLUpdate.effect(of: request, defaultGraph: "demo", versions: { try store.version($0) }, allGraphs: { [] })
/// ```
public enum SPARQLUpdate {
    public static func effect(
        of request: UpdateRequest, defaultGraph: String, baseIRI: String? = nil,
        versions: @escaping (String) throws -> CSRSnapshot?, allGraphs: @escaping () throws -> [String],
        limits: SPARQLLimits = .unlimited, extensions: (any SPARQLExtensions)? = nil
    ) throws(SPARQLEvaluationError) -> UpdateEffect {
        do {
            let run = UpdateRun(defaultGraph: defaultGraph, baseIRI: baseIRI, versions: versions, allGraphs: allGraphs,
                                limits: limits, extensions: extensions)
            for (i, op) in request.operations.enumerated() {
                do {
                    try run.apply(op, number: i)
                } catch let e as SPARQLEvaluationError where request.operations.count > 1 {
                    throw SPARQLEvaluationError("operation \(i + 1): \(e.reason)")
                }
            }
            return UpdateEffect(graphs: run.effect(), operations: request.operations.count)
        } catch let e as SPARQLEvaluationError {
            throw e
        } catch {
            throw SPARQLEvaluationError("\(error)")
        }
    }
}

private struct TripleKey: Hashable {
    var s: Int64, p: Int64, o: Int64
    init(_ t: Triple) { s = t.subject.id.rawValue; p = t.predicate.id.rawValue; o = t.object.id.rawValue }
}

/// One graph while a request runs: the version it started from, the working version, and the
/// net change between them.
private final class WorkingGraph {
    let name: String
    let base: CSRSnapshot?
    var current: CSRSnapshot
    var exists: Bool
    var added: [TripleKey: Triple] = [:]
    var deleted: [TripleKey: Triple] = [:]
    /// Keeps the effect's triples in the order they were first changed.
    var order: [TripleKey] = []

    init(name: String, base: CSRSnapshot?) {
        self.name = name
        self.base = base
        self.current = base ?? SnapshotBuilder(graph: name).build()
        self.exists = base != nil
    }

    func inBase(_ k: TripleKey) -> Bool {
        guard let base, let s = base.node(termID: k.s), let p = base.relation(termID: k.p), let o = base.node(termID: k.o) else { return false }
        return !base.matchEdges(subject: s, relation: p, object: o) { _, _, _ in false }
    }

    /// Applies adds or deletes to the working version and the net change.
    func change(_ triples: [Triple], add: Bool) throws {
        guard !triples.isEmpty else { return }
        var s: [Int64] = [], p: [Int64] = [], o: [Int64] = []
        var terms: [Int64: Term] = [:]
        for t in triples {
            let k = TripleKey(t)
            s.append(k.s); p.append(k.p); o.append(k.o)
            if add {
                for term in [t.subject, t.predicate, t.object] { terms[term.id.rawValue] = term }
                if deleted.removeValue(forKey: k) == nil, !inBase(k), added[k] == nil { added[k] = t; order.append(k) }
            } else {
                if added.removeValue(forKey: k) == nil, deleted[k] == nil, inBase(k) { deleted[k] = t; order.append(k) }
            }
        }
        let change = GraphChange(seq: current.changeSeq + 1, kind: add ? .add : .delete, subjects: s, predicates: p, objects: o)
        current = try current.applying([change], terms: terms)
    }

    /// Every triple of the working version.
    var triples: [Triple] {
        var out: [Triple] = []
        current.forEachTriple { out.append($0) }
        return out
    }
}

private final class UpdateRun {
    let defaultGraph: String
    let baseIRI: String?
    let versions: (String) throws -> CSRSnapshot?
    let allGraphs: () throws -> [String]
    let limits: SPARQLLimits
    let extensions: (any SPARQLExtensions)?
    private var graphs: [String: WorkingGraph] = [:]
    private var touched: [String] = []
    /// Blank nodes of INSERT DATA and of INSERT templates are new nodes: their labels get this
    /// request's own prefix, so they meet no blank node already stored.
    private let blankPrefix = "u" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased() + "_"

    init(defaultGraph: String, baseIRI: String?, versions: @escaping (String) throws -> CSRSnapshot?, allGraphs: @escaping () throws -> [String],
         limits: SPARQLLimits, extensions: (any SPARQLExtensions)?) {
        self.defaultGraph = defaultGraph
        self.baseIRI = baseIRI
        self.versions = versions
        self.allGraphs = allGraphs
        self.limits = limits
        self.extensions = extensions
    }

    func graph(_ name: String) throws -> WorkingGraph {
        if let g = graphs[name] { return g }
        let g = WorkingGraph(name: name, base: try versions(name))
        graphs[name] = g
        touched.append(name)
        return g
    }

    func effect() -> [UpdateEffect.Graph] {
        touched.compactMap { name in
            guard let g = graphs[name] else { return nil }
            let added = g.order.compactMap { g.added[$0] }, deleted = g.order.compactMap { g.deleted[$0] }
            if added.isEmpty && deleted.isEmpty && g.exists == (g.base != nil) { return nil }
            return UpdateEffect.Graph(name: name, existedBefore: g.base != nil, existsAfter: g.exists, added: added, deleted: deleted)
        }
    }

    /// The Quiver graph an IRI names.
    func name(ofGraph iri: String) throws -> String {
        guard let name = SPARQLDataset.graphName(of: iri) else { throw SPARQLEvaluationError("<\(iri)> names no Quiver graph") }
        return name
    }

    func name(_ g: GraphOrDefault) throws -> String {
        switch g {
        case .defaultGraph: defaultGraph
        case .graph(let iri): try name(ofGraph: iri)
        }
    }

    func describe(_ g: GraphOrDefault) -> String {
        switch g {
        case .defaultGraph: "DEFAULT"
        case .graph(let iri): "GRAPH <\(iri)>"
        }
    }

    // MARK: Operations

    func apply(_ op: UpdateOperation, number: Int) throws {
        switch op {
        case .insertData(let quads):
            try write(quads.map { (try $0.graph.map { try name(ofGraph: $0) } ?? defaultGraph, fresh($0.triple, solution: nil)) }, add: true)
        case .deleteData(let quads):
            try write(quads.map { (try $0.graph.map { try name(ofGraph: $0) } ?? defaultGraph, $0.triple) }, add: false)
        case .deleteWhere(let quads):
            var plain: [TriplesElement] = []
            var inGraphs: [(VariableOrIRI, [TriplesElement])] = []
            for q in quads {
                if let g = q.graph {
                    if let i = inGraphs.firstIndex(where: { $0.0 == g }) { inGraphs[i].1.append(.triple(q.triple)) } else { inGraphs.append((g, [.triple(q.triple)])) }
                } else {
                    plain.append(.triple(q.triple))
                }
            }
            var elements: [GroupElement] = plain.isEmpty ? [] : [.triples(plain)]
            elements += inGraphs.map { .graph($0.0, GroupGraphPattern([.triples($0.1)])) }
            let pattern = GroupGraphPattern(elements)
            let solutions = try solve(pattern, defaultGraph: defaultGraph, using: [])
            try write(try instantiate(quads, solutions, defaultGraph: defaultGraph, fresh: false), add: false)
        case .modify(let m):
            let target = try m.with.map { try name(ofGraph: $0) } ?? defaultGraph
            let solutions = try solve(m.pattern, defaultGraph: target, using: m.using)
            let deletes = try m.delete.map { try instantiate($0, solutions, defaultGraph: target, fresh: false) } ?? []
            let inserts = try m.insert.map { try instantiate($0, solutions, defaultGraph: target, fresh: true) } ?? []
            try write(deletes, add: false)
            try write(inserts, add: true)
        case .load(let document, _, let silent):
            if silent { return }
            throw SPARQLEvaluationError("LOAD <\(document)> is not supported: load files with `quiver load` (or LOAD … PATH on the RESP port)")
        case .clear(let target, let silent):
            for g in try targets(target, silent: silent, verb: "CLEAR") { try g.change(g.triples, add: false) }
        case .drop(let target, let silent):
            for g in try targets(target, silent: silent, verb: "DROP") {
                try g.change(g.triples, add: false)
                // The default graph is always there, only emptied.
                if g.name != defaultGraph { g.exists = false }
            }
        case .create(let iri, let silent):
            let g = try graph(try name(ofGraph: iri))
            if g.exists {
                if silent { return }
                throw SPARQLEvaluationError("CREATE GRAPH <\(iri)>: the graph exists already (CREATE SILENT ignores that)")
            }
            g.exists = true
        case .add(let from, let to, let silent), .copy(let from, let to, let silent), .move(let from, let to, let silent):
            let source = try graph(try name(from)), target = try graph(try name(to))
            guard source.exists || source.name == defaultGraph else {
                if silent { return }
                throw SPARQLEvaluationError("\(describe(from)) does not exist")
            }
            if source === target { return }
            let triples = source.triples
            if case .add = op {} else { try target.change(target.triples, add: false) }
            try target.change(triples, add: true)
            target.exists = true
            if case .move = op {
                try source.change(triples, add: false)
                if source.name != defaultGraph { source.exists = false }
            }
        }
    }

    /// The graphs CLEAR or DROP acts on; a named graph that does not exist is an error unless SILENT.
    private func targets(_ target: QuiverSPARQLSyntax.GraphTarget, silent: Bool, verb: String) throws -> [WorkingGraph] {
        switch target {
        case .graph(let iri):
            let g = try graph(try name(ofGraph: iri))
            guard g.exists else {
                if silent { return [] }
                throw SPARQLEvaluationError("\(verb) GRAPH <\(iri)>: no such graph (\(verb) SILENT ignores that)")
            }
            return [g]
        case .defaultGraph: return [try graph(defaultGraph)]
        case .named, .all:
            let names = Set(try allGraphs()).union(graphs.values.filter(\.exists).map(\.name))
            return try names.sorted().filter { target == .all || $0 != defaultGraph }.map { try graph($0) }.filter(\.exists)
        }
    }

    /// Adds or deletes quads, grouped by graph in the order they come.
    private func write(_ quads: [(graph: String, triple: Triple)], add: Bool) throws {
        var byGraph: [String: [Triple]] = [:], order: [String] = []
        for q in quads {
            if byGraph[q.graph] == nil { order.append(q.graph) }
            byGraph[q.graph, default: []].append(store(q.triple))
        }
        if add && order.isEmpty { return }
        for name in order {
            let g = try graph(name)
            if !add && !g.exists { continue }
            try g.change(byGraph[name] ?? [], add: add)
            if add { g.exists = true }
        }
        if quads.count > limits.maxIntermediateRows {
            throw SPARQLEvaluationError("the update changes more than \(limits.maxIntermediateRows) triples (\(limits.limitName))")
        }
    }

    /// A triple as the store keeps it (`urn:quiver:name:` IRIs as plain names).
    private func store(_ t: Triple) -> Triple {
        Triple(TripleWriter.plain(t.subject), TripleWriter.plain(t.predicate), TripleWriter.plain(t.object))
    }

    private func fresh(_ t: Triple, solution: Int?) -> Triple {
        func f(_ term: Term) -> Term {
            guard case .blank(let label) = term else { return term }
            return .blank(blankPrefix + (solution.map { "s\($0)_" } ?? "") + label)
        }
        return Triple(f(t.subject), f(t.predicate), f(t.object))
    }

    // MARK: WHERE

    /// The solutions of `pattern`: over `USING` graphs when given, else over `defaultGraph`;
    /// GRAPH inside it ranges over the `USING NAMED` graphs, else over every graph.
    private func solve(_ pattern: GroupGraphPattern, defaultGraph: String, using: [DatasetClause]) throws -> [[String: Term]] {
        let defaults = using.filter { !$0.isNamed }.map(\.iri), named = using.filter(\.isNamed).map(\.iri)
        let defaultVersion: CSRSnapshot?
        if defaults.isEmpty {
            defaultVersion = try graph(defaultGraph).current
        } else {
            defaultVersion = SPARQLDataset.merge(try defaults.map { try graph(try name(ofGraph: $0)).current })
        }
        var namedGraphs: [(iri: String, graph: CSRSnapshot)] = []
        if !using.isEmpty {
            namedGraphs = try named.map { ($0, try graph(try name(ofGraph: $0)).current) }
        } else if mentionsGraph(pattern) {
            let names = Set(try allGraphs()).union(graphs.values.filter(\.exists).map(\.name))
            for name in names.sorted() {
                let g = try graph(name)
                if g.exists { namedGraphs.append((SPARQLDataset.iri(ofGraph: name), g.current)) }
            }
        }
        let dataset = SPARQLDataset(defaultGraph: defaultVersion, namedGraphs: namedGraphs)
        let evaluator = Evaluator(dataset: dataset, baseIRI: baseIRI, limits: limits, extensions: extensions)
        let rows = try evaluator.evaluate(pattern, graph: dataset.defaultGraph, initial: evaluator.emptyRow())
        let slots = evaluator.slots.filter { !$0.key.hasPrefix("_:") }
        return evaluator.padded(rows).map { row in
            var solution: [String: Term] = [:]
            for (name, s) in slots { if let t = evaluator.terms.term(row[s]) { solution[name] = t } }
            return solution
        }
    }

    private func mentionsGraph(_ g: GroupGraphPattern) -> Bool {
        g.elements.contains { e in
            switch e {
            case .graph: true
            case .group(let x), .optional(let x), .minus(let x): mentionsGraph(x)
            case .union(let xs): xs.contains(where: mentionsGraph)
            case .subSelect(let sub): mentionsGraph(sub.pattern)
            case .service: false
            case .filter(let f): mentionsGraph(f)
            case .bind(let f, _): mentionsGraph(f)
            case .triples, .values: false
            }
        }
    }

    private func mentionsGraph(_ e: QuiverSPARQLSyntax.Expression) -> Bool {
        switch e {
        case .exists(let g), .notExists(let g): mentionsGraph(g)
        case .unary(_, let x): mentionsGraph(x)
        case .binary(_, let a, let b): mentionsGraph(a) || mentionsGraph(b)
        case .in(let x, let list), .notIn(let x, let list): ([x] + list).contains(where: mentionsGraph)
        case .builtIn(_, let args), .function(_, let args, _): args.contains(where: mentionsGraph)
        default: false
        }
    }

    /// The quads of a template under each solution; a quad with an unbound variable, or one that
    /// is no RDF triple (a literal subject, a predicate that is no IRI), is left out (§3.1.3).
    private func instantiate(_ template: [QuadPattern], _ solutions: [[String: Term]], defaultGraph: String, fresh: Bool) throws -> [(graph: String, triple: Triple)] {
        var out: [(graph: String, triple: Triple)] = []
        for (i, solution) in solutions.enumerated() {
            func value(_ p: TermPattern) -> Term? {
                switch p {
                case .variable(let v): return solution[v.name]
                case .term(.blank(let label)): return fresh ? .blank(blankPrefix + "s\(i)_" + label) : nil
                case .term(let t): return t
                }
            }
            for q in template {
                guard let s = value(q.triple.subject), let p = value(q.triple.predicate), let o = value(q.triple.object) else { continue }
                if case .literal = s { continue }
                guard case .iri = p else { continue }
                let graph: String
                switch q.graph {
                case nil: graph = defaultGraph
                case .iri(let iri)?: graph = try name(ofGraph: iri)
                case .variable(let v)?:
                    guard case .iri(let iri)? = solution[v.name] else { continue }
                    graph = try name(ofGraph: iri)
                }
                out.append((graph, Triple(s, p, o)))
            }
            if out.count > limits.maxIntermediateRows {
                throw SPARQLEvaluationError("the update changes more than \(limits.maxIntermediateRows) triples (\(limits.limitName))")
            }
        }
        return out
    }
}
