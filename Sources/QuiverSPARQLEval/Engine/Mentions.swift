import QuiverCore
import QuiverSPARQLSyntax

/// How often each variable (and each blank node of a pattern, as `_:label`) is written in a
/// query, everywhere: patterns, expressions, EXISTS, subqueries, the projection, grouping,
/// ordering, VALUES, templates.
///
/// A variable written once, in a triple pattern, is read by nothing: no join, filter, projection
/// or template can see it. A basic graph pattern then matches its position without looking its
/// value up (`PatternTerm.any`): every match still makes its row, so counts are unchanged. On
/// `SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p` that skips two random reads a
/// row, most of the query's time.
///
/// Queries where an unwritten variable is still seen have none: `SELECT *` (also in a subquery),
/// `DESCRIBE *`, and `COUNT(DISTINCT *)`, whose rows differ by every variable.
struct Mentions {
    private(set) var counts: [String: Int] = [:]
    /// Set when the query can see a variable it does not write out.
    private(set) var seesAll = false

    init(_ query: Query) {
        switch query.form {
        case .select(let clause): add(clause)
        case .construct(let template): for t in template { add(t) }
        case .describe(.all): seesAll = true
        case .describe(.resources(let targets)): for case .variable(let v) in targets { add(v) }
        case .ask: break
        }
        add(query.pattern)
        add(query.modifiers)
        if let values = query.values { add(values) }
    }

    /// The variables (and pattern blank nodes, as `_:label`) written once in the query: one in a
    /// triple pattern is read nowhere else (one written once elsewhere, as `(COUNT(*) AS ?n)`,
    /// is in no pattern, so its being here changes nothing).
    var unread: Set<String> {
        guard !seesAll else { return [] }
        return Set(counts.compactMap { $0.value == 1 ? $0.key : nil })
    }

    private mutating func add(_ v: Variable) { counts[v.name, default: 0] += 1 }

    private mutating func add(_ t: TermPattern) {
        switch t {
        case .variable(let v): add(v)
        case .term(.blank(let label)): counts["_:" + label, default: 0] += 1
        case .term: break
        }
    }

    private mutating func add(_ t: QuiverSPARQLSyntax.TriplePattern) {
        add(t.subject); add(t.predicate); add(t.object)
    }

    private mutating func add(_ clause: SelectClause) {
        switch clause.projection {
        case .all: seesAll = true
        case .items(let items):
            for item in items {
                switch item {
                case .variable(let v): add(v)
                case .expression(let e, let v): add(e); add(v)
                }
            }
        }
    }

    private mutating func add(_ m: SolutionModifiers) {
        for c in m.groupBy {
            add(c.expression)
            if let v = c.variable { add(v) }
        }
        for e in m.having { add(e) }
        for c in m.orderBy { add(c.expression) }
    }

    private mutating func add(_ data: InlineData) { for v in data.variables { add(v) } }

    private mutating func add(_ g: GroupGraphPattern) { for e in g.elements { add(e) } }

    private mutating func add(_ e: GroupElement) {
        switch e {
        case .triples(let block):
            for t in block {
                switch t {
                case .triple(let p): add(p)
                case .path(let p): add(p.subject); add(p.object)
                }
            }
        case .group(let g), .optional(let g), .minus(let g): add(g)
        case .union(let alternatives): for g in alternatives { add(g) }
        case .graph(let name, let g), .service(let name, let g, _):
            if case .variable(let v) = name { add(v) }
            add(g)
        case .filter(let x): add(x)
        case .bind(let x, let v): add(x); add(v)
        case .values(let data): add(data)
        case .subSelect(let sub):
            add(sub.select)
            add(sub.pattern)
            add(sub.modifiers)
            if let values = sub.values { add(values) }
        }
    }

    private mutating func add(_ e: Expression) {
        switch e {
        case .variable(let v): add(v)
        case .term: break
        case .binary(_, let a, let b): add(a); add(b)
        case .unary(_, let a): add(a)
        case .in(let a, let list), .notIn(let a, let list):
            add(a)
            for x in list { add(x) }
        case .builtIn(_, let args), .function(_, let args, _): for x in args { add(x) }
        case .exists(let g), .notExists(let g): add(g)
        case .aggregate(let a):
            if let x = a.expression { add(x) } else if a.isDistinct { seesAll = true }
        }
    }
}
