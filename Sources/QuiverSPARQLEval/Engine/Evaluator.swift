import Foundation
import QuiverCore
import QuiverGraph
import QuiverSPARQLSyntax

/// Why a query could not be answered (an expression's error is not one: it only leaves a value
/// unbound or a FILTER false).
public struct SPARQLEvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// A multiset of solutions: rows of term ids, one slot per variable of the query.
typealias Solutions = [[Int64]]

/// The bounds of one evaluation: the most rows any intermediate result may hold (past it the
/// query fails, naming the limit, rather than exhausting memory) and when to stop (a deadline,
/// a cancellation).
public struct SPARQLLimits: Sendable {
    public var maxIntermediateRows: Int
    public var stop: StopCondition
    /// What the error names as the limit's option (`--max-rows` on the CLI, `MAXROWS` in the daemon).
    public var limitName: String

    public init(maxIntermediateRows: Int = 10_000_000, stop: StopCondition = StopCondition(), limitName: String = "the row limit") {
        self.maxIntermediateRows = max(1, maxIntermediateRows)
        self.stop = stop
        self.limitName = limitName
    }

    public static let unlimited = SPARQLLimits(maxIntermediateRows: .max)
}

/// Evaluates a query's patterns bottom-up as §18 defines them, over term ids: groups join their
/// elements in order, OPTIONAL is a left join whose group's filters are its condition, a group's
/// filters apply to the whole group. Basic graph patterns take the rows joined so far as bindings
/// (an index nested-loop join); other operands are evaluated alone and joined by hash.
///
/// `initial` is EXISTS's substitution: the bindings of the solution being tested, seen by every
/// part of the pattern.
final class Evaluator {
    let dataset: SPARQLDataset
    let terms: QueryTerms
    /// Every variable of the query (blank nodes of patterns as hidden ones), by name.
    private(set) var slots: [String: Int] = [:]
    /// When the query began: NOW() is that instant for the whole query. Its text is made on
    /// first use (a calendar and a format cost a tenth of a small query's time).
    private let started = Date()
    lazy var now: Term = XSDDateTime.term(of: started)
    /// The base of IRI(): the query's own BASE, else the one it was given.
    var baseIRI: String?
    private var blankCounter = 0
    /// BNODE(str)'s nodes: the same string in one solution gives the same node.
    private var namedBlanks: [Int: [String: Term]] = [:]
    /// Which solution the projection's expressions are being evaluated for (BNODE(str)'s scope).
    var solutionNumber = 0
    /// The graph patterns are matched against now (EXISTS reads it).
    var currentGraph: CSRSnapshot?
    /// The graph patterns are matched against: the default graph, or a named one inside GRAPH.
    typealias ActiveGraph = CSRSnapshot?

    let limits: SPARQLLimits
    /// The surface's functions and magic properties (Quiver's reasoning), if any.
    let extensions: (any SPARQLExtensions)?
    private var checks = 0
    /// Set for `--explain`: records each operator's rows and time.
    var explain: ExplainRecorder?
    /// Variables (and pattern blank nodes, as `_:label`) that only one triple pattern names:
    /// matched there without being bound (`Mentions`).
    var unread: Set<String> = []

    init(dataset: SPARQLDataset, baseIRI: String?, limits: SPARQLLimits = .unlimited, extensions: (any SPARQLExtensions)? = nil) {
        self.dataset = dataset
        self.limits = limits
        self.extensions = extensions
        var graphs = dataset.namedGraphs.map(\.graph)
        if let d = dataset.defaultGraph { graphs.insert(d, at: 0) }
        terms = QueryTerms(graphs: graphs)
        self.baseIRI = baseIRI
    }

    var width: Int { slots.count }

    /// Why the evaluation must stop now (an intermediate result of `rows` rows, the deadline, a
    /// cancellation), or nil. The clock is read every 1,024 calls.
    func stopReason(rows: Int) -> SPARQLEvaluationError? {
        if rows > limits.maxIntermediateRows {
            return SPARQLEvaluationError("an intermediate result passed \(limits.maxIntermediateRows) rows (\(limits.limitName)); narrow the query or raise the limit")
        }
        checks &+= 1
        guard checks & 1023 == 0, let reason = limits.stop.reason else { return nil }
        return SPARQLEvaluationError(reason == .timeout ? "the query ran past its deadline" : "the query was cancelled")
    }

    func check(rows: Int) throws {
        if let e = stopReason(rows: rows) { throw e }
    }

    func slot(_ v: Variable) -> Int { slot(named: v.name) }

    func slot(named name: String) -> Int {
        if let s = slots[name] { return s }
        slots[name] = slots.count
        return slots.count - 1
    }

    /// A blank node of a pattern: a variable no projection shows.
    func blankSlot(_ label: String) -> Int { slot(named: "_:" + label) }

    func emptyRow() -> [Int64] { [Int64](repeating: Binding.unbound, count: width) }

    /// Rows made before a slot was added are padded to the current width.
    func padded(_ rows: Solutions) -> Solutions {
        let w = width
        // Most often every row is as wide already: then no new array of rows.
        if rows.allSatisfy({ $0.count == w }) { return rows }
        return rows.map { $0.count == w ? $0 : $0 + [Int64](repeating: Binding.unbound, count: w - $0.count) }
    }

    func freshBlankNode() -> Term {
        blankCounter += 1
        return .blank("b\(blankCounter)")
    }

    func blankNode(for key: String) -> Term {
        if let made = namedBlanks[solutionNumber]?[key] { return made }
        let made = freshBlankNode()
        namedBlanks[solutionNumber, default: [:]][key] = made
        return made
    }

    // MARK: Group graph patterns (§18.2.2.6)

    func evaluate(_ group: GroupGraphPattern, graph: ActiveGraph, initial: [Int64]) throws -> Solutions {
        try traced("group") { try evaluateGroup(group, graph: graph, initial: initial) }
    }

    private func evaluateGroup(_ group: GroupGraphPattern, graph: ActiveGraph, initial: [Int64]) throws -> Solutions {
        let outer = currentGraph
        currentGraph = graph
        defer { currentGraph = outer }
        var rows: Solutions = [padded([initial])[0]]
        var filters: [Expression] = []
        var block: [TriplesElement] = []
        func flush() throws {
            guard !block.isEmpty else { return }
            rows = try joinTriples(rows, block, graph: graph)
            block = []
        }
        for element in group.elements {
            if case .triples(let t) = element { block += t; continue }
            try flush()
            switch element {
            case .triples: break
            case .filter(let e): filters.append(e)
            case .group(let g): rows = try join(rows, try evaluate(g, graph: graph, initial: initial))
            case .union(let branches):
                let all = try traced("union") {
                    var all: Solutions = []
                    for b in branches {
                        all += try evaluate(b, graph: graph, initial: initial)
                        try check(rows: all.count)
                    }
                    return all
                }
                rows = try join(rows, padded(all))
            case .optional(let g):
                // The optional group's own filters are the left join's condition (§18.2.2.6).
                let (inner, condition) = splitFilters(g)
                let input = rows
                rows = try traced("optional") {
                    if let extended = try optionalTriples(input, inner, condition, graph: graph) { return extended }
                    let right = try evaluate(inner, graph: graph, initial: initial)
                    return try leftJoin(padded(input), padded(right), condition)
                }
            case .minus(let g):
                let input = rows
                rows = try traced("minus") { minus(input, padded(try evaluate(g, graph: graph, initial: initial))) }
            case .bind(let e, let v):
                let s = slot(v)
                rows = padded(rows)
                for i in rows.indices {
                    if let value = try? evaluateExpression(e, rows[i]) { rows[i][s] = terms.id(value) }
                }
            case .values(let data): rows = try join(padded(rows), table(data))
            case .graph(let name, let g): rows = try join(padded(rows), try evaluateGraph(name, g, initial: initial))
            case .subSelect(let sub): rows = try join(padded(rows), try evaluateSubSelect(sub, graph: graph))
            case .service: throw SPARQLEvaluationError("SERVICE is not supported: Quiver queries its own graphs only")
            }
        }
        try flush()
        rows = padded(rows)
        if !filters.isEmpty {
            let input = rows
            rows = try traced("filter") { input.filter { row in filters.allSatisfy { (try? effectiveBoolean($0, row)) ?? false } } }
        }
        return rows
    }

    /// A group made of triple patterns and filters only, as a basic graph pattern and the
    /// filters; nil when it has other parts (paths, OPTIONAL, …).
    func basicParts(of group: GroupGraphPattern) -> (triples: [QuiverSPARQLEval.TriplePattern], filters: [Expression])? {
        var triples: [QuiverSPARQLEval.TriplePattern] = [], filters: [Expression] = []
        for element in group.elements {
            switch element {
            case .triples(let block):
                for e in block {
                    guard case .triple(let t) = e else { return nil }
                    if let extensions, case .term(.iri(let p)) = t.predicate, extensions.isProperty(p) { return nil }
                    triples.append(QuiverSPARQLEval.TriplePattern(patternTerm(t.subject), patternTerm(t.predicate), patternTerm(t.object)))
                }
            case .filter(let f): filters.append(f)
            default: return nil
            }
        }
        // Matching goes one level deeper per pattern: blocks apart stay apart past the parser's cap.
        return triples.count <= 1000 ? (triples, filters) : nil
    }

    /// OPTIONAL of triple patterns alone, as an index nested-loop left join: each row extended
    /// by the patterns' solutions under its bindings that meet the condition, or kept as it is.
    /// The same answer as the left join of the group evaluated alone (triple patterns have no
    /// filter of their own to see the row's bindings), without matching the group everywhere.
    /// nil when the group has other parts.
    private func optionalTriples(_ rows: Solutions, _ inner: GroupGraphPattern, _ condition: [Expression], graph: ActiveGraph) throws -> Solutions? {
        guard let (triples, filters) = basicParts(of: inner), filters.isEmpty, let graph, !triples.isEmpty else { return nil }
        let bgp = BasicGraphPattern(snapshot: graph, patterns: triples)
        var out: Solutions = []
        for row in padded(rows) {
            var matched = false
            try search(bgp, extending: row, rows: { out.count }) { m in
                if condition.allSatisfy({ (try? effectiveBoolean($0, m)) ?? false }) {
                    out.append(m)
                    matched = true
                }
                return true
            }
            if !matched { out.append(row) }
        }
        return out
    }

    /// A group without its top-level filters, and those filters as one condition. A group that
    /// is only another group is that group (§18.2.2.8's simplification, Join(Z, A) = A), so
    /// `OPTIONAL { { P FILTER(F) } }` has F as its condition too.
    private func splitFilters(_ g: GroupGraphPattern) -> (GroupGraphPattern, [Expression]) {
        var g = g
        while g.elements.count == 1, case .group(let inner) = g.elements[0] { g = inner }
        var rest: [GroupElement] = [], filters: [Expression] = []
        for e in g.elements {
            if case .filter(let f) = e { filters.append(f) } else { rest.append(e) }
        }
        return (GroupGraphPattern(rest), filters)
    }

    func effectiveBoolean(_ e: Expression, _ row: [Int64]) throws(ExpressionError) -> Bool {
        try SPARQLValues.effectiveBooleanValue(try evaluateExpression(e, row))
    }

    // MARK: Triples blocks

    func patternTerm(_ t: TermPattern) -> PatternTerm {
        switch t {
        case .variable(let v): return unread.contains(v.name) ? .any : .variable(slot(v))
        case .term(.blank(let label)): return unread.contains("_:" + label) ? .any : .variable(blankSlot(label))
        case .term(let term): return .constant(terms.id(term))
        }
    }

    /// A triples block joined to `rows`: its triple patterns as one basic graph pattern matched
    /// under each row's bindings, then its magic properties, then its path patterns.
    private func joinTriples(_ rows: Solutions, _ block: [TriplesElement], graph: ActiveGraph) throws -> Solutions {
        var triples: [QuiverSPARQLEval.TriplePattern] = [], paths: [PathPattern] = []
        let (block, calls) = propertyCalls(in: block)
        for e in block {
            switch e {
            case .triple(let t): triples.append(QuiverSPARQLEval.TriplePattern(patternTerm(t.subject), patternTerm(t.predicate), patternTerm(t.object)))
            case .path(let p):
                _ = patternTerm(p.subject); _ = patternTerm(p.object)
                paths.append(p)
            }
        }
        var out: Solutions = []
        let input = padded(rows)
        guard let graph else {
            // No graph: only an empty pattern matches (once per row).
            return triples.isEmpty && paths.isEmpty && calls.isEmpty ? input : []
        }
        let bgp = BasicGraphPattern(snapshot: graph, patterns: triples)
        out = try traced("basic graph pattern, nested loops over \(input.count) row\(input.count == 1 ? "" : "s")", details: describe(triples, graph: graph)) {
            var out: Solutions = []
            for row in input { try search(bgp, extending: row, rows: { out.count }) { out.append($0); return true } }
            return out
        }
        for c in calls { out = try traced("magic property <\(c.iri)>") { try joinCall(out, c, graph: graph) } }
        for p in paths { out = try traced("property path", details: [p.path.sparql]) { try joinPath(out, p, graph: graph) } }
        return out
    }

    /// Hands `body` each solution of `bgp` that extends `row`, until `body` returns false; past
    /// the limits (`rows` is the size of the result being made) or the deadline, stops with the error.
    func search(_ bgp: BasicGraphPattern, extending row: [Int64], rows: () -> Int, _ body: ([Int64]) -> Bool) throws {
        var r = row
        var stopped: SPARQLEvaluationError?
        bgp.solutions(extending: &r) { solution in
            guard body(solution) else { return false }
            stopped = stopReason(rows: rows())
            return stopped == nil
        }
        if let stopped { throw stopped }
    }

    // MARK: Joins

    /// Whether two rows agree on every slot both bind.
    @inline(__always) func compatible(_ a: [Int64], _ b: [Int64]) -> Bool {
        for i in 0..<min(a.count, b.count) where a[i] != Binding.unbound && b[i] != Binding.unbound && a[i] != b[i] { return false }
        return true
    }

    @inline(__always) func merged(_ a: [Int64], _ b: [Int64]) -> [Int64] {
        var m = a
        for i in 0..<b.count where b[i] != Binding.unbound { m[i] = b[i] }
        return m
    }

    /// The slots every row binds.
    private func alwaysBound(_ rows: Solutions) -> [Int] {
        guard let first = rows.first else { return [] }
        return first.indices.filter { i in rows.allSatisfy { $0[i] != Binding.unbound } }
    }

    /// Join: the merge of every compatible pair, by hash on the slots both sides always bind.
    func join(_ left: Solutions, _ right: Solutions) throws -> Solutions {
        if left.count == 1 && left[0].allSatisfy({ $0 == Binding.unbound }) { return padded(right) }
        return try traced("hash join") { try hashJoin(left, right) }
    }

    private func hashJoin(_ left: Solutions, _ right: Solutions) throws -> Solutions {
        let left = padded(left), right = padded(right)
        if left.count == 1 && left[0].allSatisfy({ $0 == Binding.unbound }) { return right }
        if right.count == 1 && right[0].allSatisfy({ $0 == Binding.unbound }) { return left }
        let key = Set(alwaysBound(left)).intersection(alwaysBound(right)).sorted()
        var index: [[Int64]: [Int]] = [:]
        for (j, r) in right.enumerated() { index[key.map { r[$0] }, default: []].append(j) }
        var out: Solutions = []
        for l in left {
            for j in index[key.map { l[$0] }] ?? [] where compatible(l, right[j]) { out.append(merged(l, right[j])) }
            try check(rows: out.count)
        }
        return out
    }

    func leftJoin(_ left: Solutions, _ right: Solutions, _ condition: [Expression]) throws -> Solutions {
        let key = Set(alwaysBound(left)).intersection(alwaysBound(right)).sorted()
        var index: [[Int64]: [Int]] = [:]
        for (j, r) in right.enumerated() { index[key.map { r[$0] }, default: []].append(j) }
        var out: Solutions = []
        for l in left {
            var matched = false
            for j in index[key.map { l[$0] }] ?? [] where compatible(l, right[j]) {
                let m = merged(l, right[j])
                if condition.allSatisfy({ (try? effectiveBoolean($0, m)) ?? false }) {
                    out.append(m)
                    matched = true
                }
            }
            if !matched { out.append(l) }
            try check(rows: out.count)
        }
        return out
    }

    /// MINUS: a row goes when a row of `right` is compatible with it and shares a bound variable.
    func minus(_ left: Solutions, _ right: Solutions) -> Solutions {
        let left = padded(left)
        return left.filter { l in
            !right.contains { r in
                compatible(l, r) && l.indices.contains { l[$0] != Binding.unbound && r[$0] != Binding.unbound }
            }
        }
    }

    /// VALUES as rows.
    func table(_ data: InlineData) -> Solutions {
        let s = data.variables.map { slot($0) }
        return data.rows.map { values in
            var row = emptyRow()
            for (k, v) in values.enumerated() { if let v { row[s[k]] = terms.id(v) } }
            return row
        }
    }

    // MARK: GRAPH

    private func evaluateGraph(_ name: VariableOrIRI, _ g: GroupGraphPattern, initial: [Int64]) throws -> Solutions {
        switch name {
        case .iri(let iri):
            guard let graph = try dataset.graphForGRAPH(iri) else { return [] }
            terms.include(graph)
            return try evaluate(g, graph: graph, initial: initial)
        case .variable(let v):
            let s = slot(v)
            var out: Solutions = []
            for (iri, graph) in try dataset.graphsForGRAPH() {
                terms.include(graph)
                let id = terms.id(.iri(iri))
                var start = padded([initial])[0]
                if start[s] != Binding.unbound && start[s] != id { continue }
                start[s] = id
                for var row in try evaluate(g, graph: graph, initial: start) {
                    if row[s] != Binding.unbound && row[s] != id { continue }
                    row[s] = id
                    out.append(row)
                }
            }
            return padded(out)
        }
    }

    // MARK: Subqueries

    private func evaluateSubSelect(_ sub: SubSelect, graph: ActiveGraph) throws -> Solutions {
        let query = Query(form: .select(sub.select), pattern: sub.pattern, modifiers: sub.modifiers, values: sub.values)
        // selectRows has cleared the slots outside the subquery's projection already.
        return padded(try selectRows(query, graph: graph).rows)
    }
}

/// The syntax tree's expressions (Foundation has a type of that name too).
typealias Expression = QuiverSPARQLSyntax.Expression
