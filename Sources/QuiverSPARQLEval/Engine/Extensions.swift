import QuiverCore
import QuiverGraph
import QuiverSPARQLSyntax

/// Functions and magic properties a surface adds to SPARQL: the evaluator knows only their
/// IRIs, so it links none of the reasoning (paths, kernels, models) they run.
///
/// A function is called as `prefix:name(args…)` and gives one value. A magic property is a
/// triple pattern `(inputs…) prefix:name (outputs…)` (either side may be one term instead of a
/// list): every input must be bound when the pattern is reached, and each row the property
/// answers binds the outputs (or, for an output already bound or constant, must equal it).
/// Terms are SPARQL's: plain names are `urn:quiver:name:` IRIs.
public protocol SPARQLExtensions: AnyObject {
    /// Function `iri` applied to `arguments` over `graph` (the active graph); nil when `iri` is
    /// none of this extension's functions.
    func call(_ iri: String, _ arguments: [Term], graph: CSRSnapshot?) throws(ExpressionError) -> Term?
    /// Whether a triple pattern with predicate `iri` is one of this extension's magic properties.
    func isProperty(_ iri: String) -> Bool
    /// The output rows of magic property `iri` for `inputs` over `graph`; each row has at most
    /// as many terms as the pattern has outputs.
    func solve(_ iri: String, inputs: [Term], graph: CSRSnapshot, limits: SPARQLLimits) throws(SPARQLEvaluationError) -> [[Term]]
}

/// A magic property's pattern, its lists of inputs and outputs unfolded.
struct PropertyCall {
    var iri: String
    var inputs: [TermPattern]
    var outputs: [TermPattern]
}

extension Evaluator {
    /// The magic-property patterns of a triples block taken out of it, with the collection
    /// triples (`rdf:first` / `rdf:rest`) that spell their argument lists.
    func propertyCalls(in block: [TriplesElement]) -> (rest: [TriplesElement], calls: [PropertyCall]) {
        guard let extensions else { return (block, []) }
        var calls: [PropertyCall] = []
        var used = Set<Int>()
        // A collection's node: the index of its rdf:first and rdf:rest triples.
        var firsts: [String: Int] = [:], rests: [String: Int] = [:]
        for (i, e) in block.enumerated() {
            guard case .triple(let t) = e, case .term(.blank(let label)) = t.subject, case .term(.iri(let p)) = t.predicate else { continue }
            if p == RDF.first { firsts[label] = i } else if p == RDF.rest { rests[label] = i }
        }
        func list(_ head: TermPattern) -> [TermPattern] {
            var items: [TermPattern] = []
            var node = head
            while case .term(.blank(let label)) = node, let f = firsts[label], let r = rests[label],
                  case .triple(let first) = block[f], case .triple(let rest) = block[r] {
                items.append(first.object)
                used.formUnion([f, r])
                node = rest.object
            }
            if case .term(.iri(RDF.nil)) = node { return items }
            return items.isEmpty ? [head] : items + [node]
        }
        for (i, e) in block.enumerated() {
            guard case .triple(let t) = e, case .term(.iri(let p)) = t.predicate, extensions.isProperty(p) else { continue }
            used.insert(i)
            calls.append(PropertyCall(iri: p, inputs: list(t.subject), outputs: list(t.object)))
        }
        let rest = block.enumerated().filter { !used.contains($0.offset) }.map(\.element)
        return (rest, calls)
    }

    /// Rows joined with a magic property's answers: each row's inputs given to the extension,
    /// each answer row binding (or checked against) the outputs.
    func joinCall(_ rows: Solutions, _ call: PropertyCall, graph: CSRSnapshot) throws -> Solutions {
        guard let extensions else { return rows }
        let inputs = call.inputs.map(patternTerm), outputs = call.outputs.map(patternTerm)
        var out: Solutions = []
        for row in padded(rows) {
            var arguments: [Term] = []
            for (k, p) in inputs.enumerated() {
                let id = p.slot.map { row[$0] } ?? { if case .constant(let c) = p { c } else { Binding.unbound } }()
                guard let term = terms.term(id) else {
                    throw SPARQLEvaluationError("<\(call.iri)>: its input \(k + 1) (\(describe(call.inputs[k]))) is unbound; bind it before the pattern")
                }
                arguments.append(term)
            }
            for answer in try extensions.solve(call.iri, inputs: arguments, graph: graph, limits: limits) {
                var r = row
                var fits = true
                for (k, value) in answer.enumerated() where k < outputs.count {
                    let id = terms.id(value)
                    switch outputs[k] {
                    case .constant(let c): fits = fits && c == id
                    case .variable(let s):
                        if r[s] != Binding.unbound && r[s] != id { fits = false }
                        r[s] = id
                    case .any: break
                    }
                }
                if fits { out.append(r) }
            }
            try check(rows: out.count)
        }
        return out
    }

    private func describe(_ p: TermPattern) -> String {
        switch p {
        case .variable(let v): "?" + v.name
        case .term(let t): "\(t)"
        }
    }
}
