/// In-scope variables (§18.2.1): the variables a pattern may bind, which `BIND` and `SELECT … AS`
/// must not assign again. `FILTER` and `MINUS` bring none; a subquery only its projection.
extension GroupGraphPattern {
    public var inScopeVariables: Set<Variable> {
        var out = Set<Variable>()
        for element in elements { element.addInScopeVariables(to: &out) }
        return out
    }
}

extension GroupElement {
    func addInScopeVariables(to out: inout Set<Variable>) {
        switch self {
        case .triples(let triples):
            for triple in triples { triple.addVariables(to: &out) }
        case .group(let g), .optional(let g):
            out.formUnion(g.inScopeVariables)
        case .union(let alternatives):
            for g in alternatives { out.formUnion(g.inScopeVariables) }
        case .graph(let name, let g), .service(let name, let g, _):
            if case .variable(let v) = name { out.insert(v) }
            out.formUnion(g.inScopeVariables)
        case .minus, .filter:
            break
        case .bind(_, let v):
            out.insert(v)
        case .values(let data):
            out.formUnion(data.variables)
        case .subSelect(let sub):
            out.formUnion(sub.projectedVariables)
        }
    }
}

extension TriplesElement {
    func addVariables(to out: inout Set<Variable>) {
        switch self {
        case .triple(let t):
            for position in [t.subject, t.predicate, t.object] {
                if case .variable(let v) = position { out.insert(v) }
            }
        case .path(let p):
            for position in [p.subject, p.object] {
                if case .variable(let v) = position { out.insert(v) }
            }
        }
    }
}

extension SubSelect {
    /// The variables the subquery returns.
    public var projectedVariables: Set<Variable> {
        switch select.projection {
        case .all:
            var vars = pattern.inScopeVariables
            if let values { vars.formUnion(values.variables) }
            return vars
        case .items(let items):
            return Set(items.map(\.variable))
        }
    }
}

extension Expression {
    /// Whether an aggregate occurs in the expression (not looking into `EXISTS` patterns); a function
    /// call with DISTINCT is a custom aggregate.
    var containsAggregate: Bool {
        switch self {
        case .aggregate, .function(_, _, distinct: true): true
        case .variable, .term, .exists, .notExists: false
        case .binary(_, let a, let b): a.containsAggregate || b.containsAggregate
        case .unary(_, let a): a.containsAggregate
        case .in(let a, let list), .notIn(let a, let list): a.containsAggregate || list.contains { $0.containsAggregate }
        case .builtIn(_, let args), .function(_, let args, _): args.contains { $0.containsAggregate }
        }
    }

    /// The variables the expression reads outside aggregates (and outside `EXISTS` patterns).
    func addVariablesOutsideAggregates(to out: inout [Variable]) {
        switch self {
        case .variable(let v): out.append(v)
        case .aggregate, .function(_, _, distinct: true), .term, .exists, .notExists: break
        case .binary(_, let a, let b):
            a.addVariablesOutsideAggregates(to: &out)
            b.addVariablesOutsideAggregates(to: &out)
        case .unary(_, let a): a.addVariablesOutsideAggregates(to: &out)
        case .in(let a, let list), .notIn(let a, let list):
            a.addVariablesOutsideAggregates(to: &out)
            for e in list { e.addVariablesOutsideAggregates(to: &out) }
        case .builtIn(_, let args), .function(_, let args, _):
            for e in args { e.addVariablesOutsideAggregates(to: &out) }
        }
    }
}
