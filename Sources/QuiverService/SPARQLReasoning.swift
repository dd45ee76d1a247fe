import Foundation
import QuiverCore
import QuiverGraph
import QuiverKernels
import QuiverParsers
import QuiverPaths
import QuiverSPARQLEval

/// Quiver's reasoning inside SPARQL, under the namespace `urn:quiver:fn:` (write
/// `PREFIX quiver: <urn:quiver:fn:>`), so one query mixes stored facts with paths, PageRank and
/// trained models:
///
/// - `quiver:score(?h, ?r, ?t, "model")`: model `model`'s score of the fact (xsd:double).
/// - `quiver:ppr(?seed, ?node)`: ?node's personalized PageRank from ?seed (xsd:double).
/// - `(?from ?to [k]) quiver:kShortestPaths (?path ?length)`: the k shortest paths (default 1),
///   each as text (`a -r-> b <-s- c`) with its length.
/// - `(?from ?to [maxHops]) quiver:simplePaths (?path ?length)`: the simple paths of at most
///   maxHops steps (default 4).
/// - `(?h ?r "model" [k]) quiver:predictTails (?t ?score)`: the model's k best tails (default
///   10) that the graph does not state yet.
/// - `(?seed [k]) quiver:pprTop (?node ?score)`: the k nodes (default 10) PageRank ranks
///   highest from ?seed, the seed itself excepted.
///
/// Paths follow out-edges of asserted facts, as `quiver paths` does by default. Inputs must be
/// bound; a node the graph lacks has no paths and no predictions.
public final class SPARQLReasoning: SPARQLExtensions {
    public static let namespace = "urn:quiver:fn:"

    enum Function: String { case score, ppr }
    enum Property: String, CaseIterable { case kShortestPaths, simplePaths, predictTails, pprTop }

    private let context: any GraphContext
    /// The models a query named, loaded once per graph version.
    private var models: [String: LoadedModel] = [:]
    /// The last query's scores: a model scores every tail of (head, relation) at once, and a
    /// query usually asks for many tails of one pair.
    private var lastScores: (key: String, values: [Float])?
    /// PageRank vectors by seed (a few: each is one float per node).
    private var pageRanks: [String: [Float]] = [:]
    private var engines: [String: PathEngine] = [:]

    public init(context: any GraphContext) { self.context = context }

    // MARK: SPARQLExtensions

    public func call(_ iri: String, _ arguments: [Term], graph: CSRSnapshot?) throws(ExpressionError) -> Term? {
        guard iri.hasPrefix(Self.namespace), let f = Function(rawValue: String(iri.dropFirst(Self.namespace.count))) else { return nil }
        guard let graph else { throw ExpressionError("quiver:\(f.rawValue) needs a graph") }
        switch f {
        case .score:
            guard arguments.count == 4 else { throw ExpressionError("quiver:score takes (head, relation, tail, \"model\")") }
            guard let t = graph.node(termID: TripleWriter.plain(arguments[2]).id.rawValue) else {
                throw ExpressionError("quiver:score: \(show(arguments[2])) is not a node of graph '\(graph.graph)'")
            }
            let scores = try tailScores(head: arguments[0], relation: arguments[1], model: arguments[3], graph: graph)
            guard Int(t) < scores.count else { throw ExpressionError("quiver:score: \(show(arguments[2])) is newer than the model") }
            return Numeric.double(Double(scores[Int(t)])).term
        case .ppr:
            guard arguments.count == 2 else { throw ExpressionError("quiver:ppr takes (seed, node)") }
            guard let n = graph.node(termID: TripleWriter.plain(arguments[1]).id.rawValue) else {
                throw ExpressionError("quiver:ppr: \(show(arguments[1])) is not a node of graph '\(graph.graph)'")
            }
            let scores = try pageRank(seed: arguments[0], graph: graph)
            return Numeric.double(Int(n) < scores.count ? Double(scores[Int(n)]) : 0).term
        }
    }

    public func isProperty(_ iri: String) -> Bool { property(iri) != nil }

    public func solve(_ iri: String, inputs: [Term], graph: CSRSnapshot, limits: SPARQLLimits) throws(SPARQLEvaluationError) -> [[Term]] {
        guard let p = property(iri) else { return [] }
        do {
            switch p {
            case .kShortestPaths, .simplePaths:
                guard (2...3).contains(inputs.count) else { throw ExpressionError("quiver:\(p.rawValue) takes (from to [\(p == .simplePaths ? "maxHops" : "k")])") }
                guard let from = graph.node(termID: TripleWriter.plain(inputs[0]).id.rawValue),
                      let to = graph.node(termID: TripleWriter.plain(inputs[1]).id.rawValue) else { return [] }
                let n = inputs.count == 3 ? try count(inputs[2], p.rawValue) : (p == .simplePaths ? 4 : 1)
                var options = PathOptions()
                options.deadline = limits.stop.deadline
                options.cancellation = limits.stop.token
                options.limit = min(limits.maxIntermediateRows, 1_000_000)
                if p == .simplePaths { options.maxHops = n }
                let engine = self.engine(graph)
                let r = try engine.paths(from: graph.nodeName(from), to: graph.nodeName(to), mode: p == .simplePaths ? .simple : .kShortest,
                                         k: p == .simplePaths ? 1 : n, options: options)
                if let reason = r.reason, reason != .limit, reason != .maxHops {
                    throw ExpressionError("quiver:\(p.rawValue) stopped: \(reason.rawValue)")
                }
                return r.paths.map { path in
                    [.literal(NamedPath(path, in: graph).text, datatype: nil, language: nil), .integer(Int64(path.steps.count))]
                }
            case .predictTails:
                guard (3...4).contains(inputs.count) else { throw ExpressionError("quiver:predictTails takes (head relation \"model\" [k])") }
                let k = inputs.count == 4 ? try count(inputs[3], p.rawValue) : 10
                guard let h = graph.node(termID: TripleWriter.plain(inputs[0]).id.rawValue),
                      let r = graph.relation(termID: TripleWriter.plain(inputs[1]).id.rawValue) else { return [] }
                let scores = try tailScores(head: inputs[0], relation: inputs[1], model: inputs[2], graph: graph)
                var stated = Set<Int32>()
                graph.matchEdges(subject: h, relation: r, object: nil) { _, _, o in stated.insert(o); return true }
                let best = topK(scores, k + stated.count).filter { !stated.contains($0.node) && graph.isLive(node: $0.node) }.prefix(k)
                return best.map { [TripleWriter.rdf(graph.nodeTerm($0.node)), Numeric.double(Double($0.score)).term] }
            case .pprTop:
                guard (1...2).contains(inputs.count) else { throw ExpressionError("quiver:pprTop takes (seed [k])") }
                let k = inputs.count == 2 ? try count(inputs[1], p.rawValue) : 10
                guard let seed = graph.node(termID: TripleWriter.plain(inputs[0]).id.rawValue) else { return [] }
                let scores = try pageRank(seed: inputs[0], graph: graph)
                return topK(scores, k + 1).filter { $0.node != seed && $0.score > 0 }.prefix(k).map {
                    [TripleWriter.rdf(graph.nodeTerm($0.node)), Numeric.double(Double($0.score)).term]
                }
            }
        } catch let e as ExpressionError {
            throw SPARQLEvaluationError(e.reason)
        } catch let e as PresentableError {
            throw SPARQLEvaluationError("quiver:\(p.rawValue): \(e.message)")
        } catch {
            throw SPARQLEvaluationError("quiver:\(p.rawValue): \(error)")
        }
    }

    // MARK: Parts

    private func show(_ t: Term) -> String { NTriples.format(TripleWriter.rdf(t)) }

    private func property(_ iri: String) -> Property? {
        guard iri.hasPrefix(Self.namespace) else { return nil }
        return Property(rawValue: String(iri.dropFirst(Self.namespace.count)))
    }

    private func count(_ t: Term, _ name: String) throws(ExpressionError) -> Int {
        guard case .integer(let n)? = Numeric(t), n >= 1, n <= 10_000 else {
            throw ExpressionError("quiver:\(name): \(show(t)) is not a count (an integer in 1...10000)")
        }
        return Int(n)
    }

    /// Every tail's score for (head, relation) under the model, by node id.
    private func tailScores(head: Term, relation: Term, model: Term, graph: CSRSnapshot) throws(ExpressionError) -> [Float] {
        guard case .literal(let name, _, _) = model, model.isSimpleString else {
            throw ExpressionError("the model is named by a string, not \(show(model))")
        }
        guard let h = graph.node(termID: TripleWriter.plain(head).id.rawValue) else {
            throw ExpressionError("\(show(head)) is not a node of graph '\(graph.graph)'")
        }
        guard let r = graph.relation(termID: TripleWriter.plain(relation).id.rawValue) else {
            throw ExpressionError("\(show(relation)) is not a relation of graph '\(graph.graph)'")
        }
        let key = "\(name)\u{0}\(graph.changeSeq)\u{0}\(h)\u{0}\(r)"
        if let last = lastScores, last.key == key { return last.values }
        let m: LoadedModel
        do {
            if let loaded = models["\(name)\u{0}\(graph.changeSeq)"] {
                m = loaded
            } else {
                m = try context.model(name, of: graph)
                models["\(name)\u{0}\(graph.changeSeq)"] = m
            }
        } catch let e as PresentableError {
            throw ExpressionError("model '\(name)': \(e.message)")
        } catch {
            throw ExpressionError("model '\(name)': \(error)")
        }
        guard Int(h) < m.data.entityCount, Int(r) < m.data.relationCount else {
            throw ExpressionError("\(show(head)) or \(show(relation)) is newer than model '\(name)'; train it again")
        }
        let values = Array(m.model.scores(heads: [h], relations: [r], threads: defaultKernelThreads).values.prefix(m.data.entityCount))
        lastScores = (key, values)
        return values
    }

    private func pageRank(seed: Term, graph: CSRSnapshot) throws(ExpressionError) -> [Float] {
        guard let s = graph.node(termID: TripleWriter.plain(seed).id.rawValue) else {
            throw ExpressionError("\(show(seed)) is not a node of graph '\(graph.graph)'")
        }
        let key = "\(graph.graph)\u{0}\(graph.changeSeq)\u{0}\(s)"
        if let scores = pageRanks[key] { return scores }
        let r = PersonalizedPageRank(snapshot: graph).power(seeds: [s], alpha: 0.15, stop: .tolerance(1e-7), threads: defaultKernelThreads)
        if pageRanks.count >= 8 { pageRanks.removeAll() }
        pageRanks[key] = r.scores
        return r.scores
    }

    /// The graph's path engine when `graph` is the version the context serves, else one made
    /// for it (a named or merged graph of the query).
    private func engine(_ graph: CSRSnapshot) -> PathEngine {
        let key = "\(graph.graph)\u{0}\(graph.changeSeq)\u{0}\(graph.edgeCount)"
        if let e = engines[key] { return e }
        let made: PathEngine
        if let served = try? context.engine(graph.graph), served.snapshot.changeSeq == graph.changeSeq,
           served.snapshot.baseIdentity == graph.baseIdentity, served.snapshot.edgeCount == graph.edgeCount {
            made = served
        } else {
            made = PathEngine(snapshot: graph)
        }
        engines[key] = made
        return made
    }
}
