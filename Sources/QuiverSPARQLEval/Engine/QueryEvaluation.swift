import Foundation
import QuiverCore
import QuiverGraph
import QuiverParsers
import QuiverSPARQLSyntax

/// What a query answers: SELECT's solutions (terms, nil where unbound), ASK's boolean, or the
/// triples of CONSTRUCT and DESCRIBE. Terms are RDF terms: plain names are `urn:quiver:name:` IRIs.
public enum QueryAnswer: Sendable, Equatable {
    case solutions(variables: [String], rows: [[Term?]])
    case boolean(Bool)
    case triples([Triple])
}

/// Evaluates a parsed query over a dataset of graph versions.
///
/// ```swift
/// let query = try SPARQLParser.parseQuery("SELECT ?c WHERE { <urn:quiver:name:erin> <urn:quiver:name:born_in> ?c }")
/// let answer = try SPARQLQuery.evaluate(query, over: SPARQLDataset(defaultGraph: version))
/// ```
public enum SPARQLQuery {
    /// Runs the query and tells what the evaluation did: each operator with the rows it made
    /// and its time, basic graph patterns with each pattern's estimate.
    public static func explain(_ query: Query, over dataset: SPARQLDataset, baseIRI: String? = nil,
                               limits: SPARQLLimits = .unlimited, extensions: (any SPARQLExtensions)? = nil) throws(SPARQLEvaluationError) -> String {
        let recorder = ExplainRecorder()
        let start = DispatchTime.now().uptimeNanoseconds
        let answer = try evaluate(query, over: dataset, baseIRI: baseIRI, limits: limits, extensions: extensions, explain: recorder)
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        let size: String = switch answer {
        case .solutions(_, let rows): "\(rows.count) row\(rows.count == 1 ? "" : "s")"
        case .boolean(let b): "\(b)"
        case .triples(let t): "\(t.count) triple\(t.count == 1 ? "" : "s")"
        }
        return recorder.text + "\n" + "answer: \(size) in " + String(format: "%.3f ms", ms)
    }

    /// `extensions` adds the surface's functions and magic properties (see `SPARQLExtensions`).
    public static func evaluate(_ query: Query, over dataset: SPARQLDataset, baseIRI: String? = nil,
                                limits: SPARQLLimits = .unlimited, extensions: (any SPARQLExtensions)? = nil) throws(SPARQLEvaluationError) -> QueryAnswer {
        try evaluate(query, over: dataset, baseIRI: baseIRI, limits: limits, extensions: extensions, explain: nil)
    }

    static func evaluate(_ query: Query, over dataset: SPARQLDataset, baseIRI: String?, limits: SPARQLLimits,
                         extensions: (any SPARQLExtensions)?, explain: ExplainRecorder?) throws(SPARQLEvaluationError) -> QueryAnswer {
        do {
            var dataset = dataset
            let from = query.dataset.filter { !$0.isNamed }.map(\.iri), named = query.dataset.filter(\.isNamed).map(\.iri)
            if !query.dataset.isEmpty {
                // FROM and FROM NAMED replace the dataset the surface gave (§13.2).
                let graphs = try from.map { iri in
                    guard let g = try dataset.resolve(iri) else { throw SPARQLEvaluationError("no graph <\(iri)> for FROM") }
                    return g
                }
                let namedGraphs = try named.map { iri in
                    guard let g = try dataset.resolve(iri) else { throw SPARQLEvaluationError("no graph <\(iri)> for FROM NAMED") }
                    return (iri: iri, graph: g)
                }
                dataset = SPARQLDataset(defaultGraph: SPARQLDataset.merge(graphs), namedGraphs: namedGraphs, resolve: dataset.resolve)
            }
            let evaluator = Evaluator(dataset: dataset, baseIRI: baseIRI, limits: limits, extensions: extensions)
            evaluator.explain = explain
            return try evaluator.answer(query)
        } catch let e as SPARQLEvaluationError {
            throw e
        } catch {
            throw SPARQLEvaluationError("\(error)")
        }
    }
}

extension Evaluator {
    func answer(_ query: Query) throws -> QueryAnswer {
        for case .base(let iri) in query.prologue { baseIRI = iri }
        unread = Mentions(query).unread
        let graph = dataset.defaultGraph
        switch query.form {
        case .select:
            let (variables, rows) = try selectRows(query, graph: graph)
            let s = variables.map { slot(named: $0) }
            return .solutions(variables: variables, rows: padded(rows).map { row in s.map { terms.term(row[$0]) } })
        case .ask:
            var limited = query
            limited.modifiers.limit = 1
            limited.form = .select(SelectClause(projection: .all))
            return .boolean(!(try selectRows(limited, graph: graph).rows.isEmpty))
        case .construct(let template):
            var q = query
            q.form = .select(SelectClause(projection: .all))
            let rows = padded(try selectRows(q, graph: graph).rows)
            return .triples(construct(template, rows))
        case .describe(let targets):
            var q = query
            q.form = .select(SelectClause(projection: .all))
            let rows = query.pattern.elements.isEmpty ? [emptyRow()] : padded(try selectRows(q, graph: graph).rows)
            var resources: [Term] = []
            switch targets {
            case .all: for row in rows { for v in row where v != Binding.unbound { if let t = terms.term(v) { resources.append(t) } } }
            case .resources(let list):
                for item in list {
                    switch item {
                    case .iri(let iri): resources.append(.iri(iri))
                    case .variable(let v): for row in rows { if let t = terms.term(row[slot(v)]) { resources.append(t) } }
                    }
                }
            }
            return .triples(describe(resources, graph: graph))
        }
    }

    /// SELECT's solutions before they are turned into terms: the pattern, VALUES, grouping and
    /// aggregates, HAVING, the projection's expressions, ORDER BY, projection, DISTINCT/REDUCED,
    /// OFFSET and LIMIT, in §18.2.4's order. Returns the projected variables and rows over all slots.
    func selectRows(_ query: Query, graph: ActiveGraph) throws -> (variables: [String], rows: Solutions) {
        guard case .select(let select) = query.form else { throw SPARQLEvaluationError("not a SELECT") }
        let m = query.modifiers
        let items: [SelectItem] = { if case .items(let i) = select.projection { i } else { [] } }()
        var aggregates: [Aggregate] = m.having.flatMap(\.aggregates) + m.orderBy.flatMap(\.expression.aggregates)
        for case .expression(let e, _) in items { aggregates += e.aggregates }
        let aggregated = !m.groupBy.isEmpty || !aggregates.isEmpty
        // Each output row with its group (nil when the query does not group).
        var groups: [(row: [Int64], members: SolutionGroup?)]
        if aggregated {
            // Rows go straight from the pattern into their group; a group keeps its rows only
            // when an aggregate reads them.
            // COUNT(*) and COUNT(?v) are counted as rows come; the other aggregates read the rows.
            var countedSlots = Set<Int>()
            let keepRows = aggregates.contains(where: { (a: Aggregate) -> Bool in
                guard case .count = a.function, !a.isDistinct else { return true }
                switch a.expression {
                case nil: return false
                case .variable(let v)?:
                    countedSlots.insert(slot(v))
                    return false
                default: return true
                }
            })
            let keySlots = m.groupBy.map { c -> Int? in
                if let v = c.variable { return slot(v) }
                if case .variable(let v) = c.expression { return slot(v) }
                return nil
            }
            // A plain variable's key is its id; an expression's is its value's.
            let plainKeys = m.groupBy.map { c -> Int? in
                if c.variable == nil, case .variable(let v) = c.expression { return slot(v) }
                return nil
            }
            // Groups in the order first seen, found by their key with one hash lookup a row (by
            // the id alone for one plain variable, the common GROUP BY ?v).
            var order: [[Int64]] = [], found: [SolutionGroup] = []
            var index: [[Int64]: Int] = [:], byID: [Int64: Int] = [:]
            let oneID: Int? = m.groupBy.count == 1 ? plainKeys[0] : nil
            let counted = Array(countedSlots)
            var boundCounts: [Int] = []
            var key = [Int64](repeating: Binding.unbound, count: m.groupBy.count)
            func newGroup(_ key: [Int64]) -> Int {
                order.append(key)
                found.append(SolutionGroup())
                return found.count - 1
            }
            func add(_ row: [Int64]) {
                let g: Int
                if let s = oneID {
                    let id = s < row.count ? row[s] : Binding.unbound
                    if let known = byID[id] { g = known } else { g = newGroup([id]); byID[id] = g }
                } else {
                    for (k, c) in m.groupBy.enumerated() {
                        if let s = plainKeys[k] { key[k] = s < row.count ? row[s] : Binding.unbound; continue }
                        key[k] = (try? evaluateExpression(c.expression, row)).map { terms.id($0) } ?? Binding.unbound
                    }
                    if let known = index[key] { g = known } else { g = newGroup(key); index[key] = g }
                }
                found[g].count += 1
                // COUNT(?v)'s tallies in one flat array (group-major), not a dictionary per group.
                if !counted.isEmpty {
                    if boundCounts.count == g * counted.count { boundCounts += repeatElement(0, count: counted.count) }
                    for (k, s) in counted.enumerated() where s < row.count && row[s] != Binding.unbound { boundCounts[g * counted.count + k] += 1 }
                }
                if keepRows { found[g].rows.append(row) }
            }
            // The operator's rows are the groups.
            _ = try traced("group by (\(m.groupBy.count) key\(m.groupBy.count == 1 ? "" : "s"), \(aggregates.count) aggregate\(aggregates.count == 1 ? "" : "s")), streaming the pattern's solutions") {
                let streamed = query.values == nil
                    ? try streamSolutions(query.pattern, graph: graph) { row in add(row); return true }
                    : false
                if !streamed {
                    var rows = try evaluate(query.pattern, graph: graph, initial: emptyRow())
                    if let values = query.values { rows = try join(rows, table(values)) }
                    for row in padded(rows) { add(row) }
                }
                return order
            }
            // No solution at all still makes one (empty) group, as §18.5's Group does.
            if order.isEmpty {
                order = [[Int64](repeating: Binding.unbound, count: m.groupBy.count)]
                found = [SolutionGroup()]
            }
            groups = zip(order, found).enumerated().map { g, pair in
                var row = emptyRow()
                for (k, s) in keySlots.enumerated() { if let s { row[s] = pair.0[k] } }
                var group = pair.1
                group.rows = padded(group.rows)
                for (k, s) in counted.enumerated() {
                    let at = g * counted.count + k
                    group.bound[s] = at < boundCounts.count ? boundCounts[at] : 0
                }
                return (row, group)
            }
            groups = groups.filter { g in m.having.allSatisfy { h in
                (try? SPARQLValues.effectiveBooleanValue(try evaluateExpression(h, g.row, group: g.members))) ?? false } }
        } else {
            var rows: Solutions
            if let limit = m.limit, m.orderBy.isEmpty, select.modifier != .distinct, query.values == nil,
               let first = try firstSolutions(query.pattern, graph: graph, count: (m.offset ?? 0) + limit) {
                rows = first
            } else {
                rows = try evaluate(query.pattern, graph: graph, initial: emptyRow())
                if let values = query.values { rows = try join(rows, table(values)) }
            }
            groups = padded(rows).map { ($0, nil) }
        }
        // The projection's expressions, in order (each may use the ones before).
        for item in items {
            guard case .expression(let e, let v) = item else { continue }
            let s = slot(v)
            for i in groups.indices {
                groups[i].row = padded([groups[i].row])[0]
                solutionNumber = i
                if let value = try? evaluateExpression(e, groups[i].row, group: groups[i].members) { groups[i].row[s] = terms.id(value) }
            }
        }
        if !m.orderBy.isEmpty {
            if let explain { _ = explain.record("order by (\(m.orderBy.count) key\(m.orderBy.count == 1 ? "" : "s"))") { groups.map(\.row) } }
            let keyed = groups.map { g in (g, m.orderBy.map { c in try? evaluateExpression(c.expression, g.row, group: g.members) }) }
            groups = keyed.enumerated().sorted { x, y in
                for (k, c) in m.orderBy.enumerated() {
                    let order = SPARQLValues.orderBy(x.element.1[k], y.element.1[k])
                    if order != .orderedSame { return c.isDescending ? order == .orderedDescending : order == .orderedAscending }
                }
                return x.offset < y.offset
            }.map { $0.element.0 }
        }
        let variables: [String]
        switch select.projection {
        case .all:
            let visible = query.pattern.inScopeVariables.map(\.name) + (query.values?.variables.map(\.name) ?? [])
            for name in visible.sorted() { _ = slot(named: name) }   // also those of a part that matched nothing
            variables = slots.sorted { $0.value < $1.value }.map(\.key).filter { visible.contains($0) }
        case .items(let list): variables = list.map(\.variable.name)
        }
        // Slots outside the projection are cleared (a subquery's rows must not show them); when
        // it keeps every slot, the rows are left as they are.
        let projected = variables.map { slot(named: $0) }   // a variable no pattern binds gets its slot here
        var keep = [Bool](repeating: false, count: width)
        for s in projected { keep[s] = true }
        var out = padded(groups.map(\.row))
        if keep.contains(false) {
            out = out.map { row in row.indices.map { keep[$0] ? row[$0] : Binding.unbound } }
        }
        // REDUCED may drop duplicates or keep them (§15.4): kept, which costs nothing.
        if select.modifier == .distinct {
            var seen = Set<[Int64]>()
            out = out.filter { seen.insert($0).inserted }
        }
        let offset = min(m.offset ?? 0, out.count)
        if offset > 0 { out = Array(out[offset...]) }
        if let limit = m.limit, limit < out.count { out = Array(out[..<limit]) }
        return (variables, out)
    }

    /// The first `count` solutions of a group of triple patterns and filters, found lazily: the
    /// search stops once it has them (LIMIT without ORDER BY, DISTINCT or grouping). nil when the
    /// group has other parts (then it is evaluated whole).
    func firstSolutions(_ group: GroupGraphPattern, graph: ActiveGraph, count: Int) throws -> Solutions? {
        guard count > 0 else { return [] }
        guard basicParts(of: group) != nil else { return nil }
        return try traced("basic graph pattern, lazily: stops at \(count) row\(count == 1 ? "" : "s")") {
            var out: Solutions = []
            _ = try streamSolutions(group, graph: graph) { row in
                out.append(row)
                return out.count < count
            }
            return out
        }
    }

    /// Hands each solution of a group of triple patterns and filters to `body` as the search
    /// finds it, until `body` returns false; false (having done nothing) when the group has
    /// other parts.
    func streamSolutions(_ group: GroupGraphPattern, graph: ActiveGraph, _ body: ([Int64]) -> Bool) throws -> Bool {
        guard let (triples, filters) = basicParts(of: group) else { return false }
        guard let graph else {
            if triples.isEmpty, filters.allSatisfy({ (try? effectiveBoolean($0, emptyRow())) ?? false }) { _ = body(emptyRow()) }
            return true
        }
        let outer = currentGraph
        currentGraph = graph
        defer { currentGraph = outer }
        try search(BasicGraphPattern(snapshot: graph, patterns: triples), extending: emptyRow(), rows: { 0 }) { solution in
            filters.allSatisfy({ (try? effectiveBoolean($0, solution)) ?? false }) ? body(solution) : true
        }
        return true
    }

    /// CONSTRUCT: the template instantiated per solution, fresh blank nodes each time; triples
    /// with an unbound or ill-placed term are left out; each triple once.
    func construct(_ template: [QuiverSPARQLSyntax.TriplePattern], _ rows: Solutions) -> [Triple] {
        var out: [Triple] = [], seen = Set<Triple>()
        for row in rows {
            var blanks: [String: Term] = [:]
            func value(_ t: TermPattern) -> Term? {
                switch t {
                case .variable(let v): return slots[v.name].flatMap { terms.term(row[$0]) }
                case .term(.blank(let label)):
                    if let b = blanks[label] { return b }
                    let b = freshBlankNode()
                    blanks[label] = b
                    return b
                case .term(let term): return term
                }
            }
            for t in template {
                guard let s = value(t.subject), let p = value(t.predicate), let o = value(t.object) else { continue }
                if case .literal = s { continue }
                guard case .iri = p else { continue }
                let triple = Triple(s, p, o)
                if seen.insert(triple).inserted { out.append(triple) }
            }
        }
        return out
    }

    /// DESCRIBE: every triple of the default graph with a described resource as subject.
    func describe(_ resources: [Term], graph: ActiveGraph) -> [Triple] {
        guard let graph else { return [] }
        var out: [Triple] = [], seen = Set<Triple>()
        for r in resources {
            guard let n = graph.node(termID: terms.id(r)) else { continue }
            graph.matchEdges(subject: n, relation: nil, object: nil) { s, p, o in
                let t = Triple(TripleWriter.rdf(graph.nodeTerm(s)), TripleWriter.rdf(graph.relationTerm(p)), TripleWriter.rdf(graph.nodeTerm(o)))
                if seen.insert(t).inserted { out.append(t) }
                return true
            }
        }
        return out
    }
}

extension SelectClause {
    /// Whether a projected expression has an aggregate.
    var hasAggregate: Bool {
        guard case .items(let items) = projection else { return false }
        return items.contains { if case .expression(let e, _) = $0 { e.hasAggregate } else { false } }
    }
}

extension QuiverSPARQLSyntax.Expression {
    /// The aggregates in it (outside EXISTS patterns), in order.
    var aggregates: [Aggregate] {
        switch self {
        case .aggregate(let a): return [a]
        case .variable, .term, .exists, .notExists: return []
        case .binary(_, let a, let b): return a.aggregates + b.aggregates
        case .unary(_, let a): return a.aggregates
        case .in(let a, let list), .notIn(let a, let list): return a.aggregates + list.flatMap(\.aggregates)
        case .builtIn(_, let args): return args.flatMap(\.aggregates)
        case .function(let iri, let args, let distinct):
            // A function call with DISTINCT is a custom aggregate: it reads the group's rows.
            return (distinct ? [Aggregate(.sample, distinct: true, .function(iri: iri, arguments: args, distinct: false))] : []) + args.flatMap(\.aggregates)
        }
    }

    /// Whether an aggregate appears in it (outside EXISTS patterns).
    var hasAggregate: Bool {
        switch self {
        case .aggregate: return true
        case .variable, .term, .exists, .notExists: return false
        case .binary(_, let a, let b): return a.hasAggregate || b.hasAggregate
        case .unary(_, let a): return a.hasAggregate
        case .in(let a, let list), .notIn(let a, let list): return a.hasAggregate || list.contains { $0.hasAggregate }
        case .builtIn(_, let args): return args.contains { $0.hasAggregate }
        case .function(_, let args, let distinct): return distinct || args.contains { $0.hasAggregate }
        }
    }
}
