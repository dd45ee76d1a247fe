/// The rules of §18.2.4.1 and §19.8 (note 12) on a SELECT: an `AS` variable must be new, and a
/// grouped query (GROUP BY, or an aggregate in SELECT, HAVING or ORDER BY) may project only grouped
/// variables, aggregates and expressions of them, never `*`.
extension Parser {
    /// Where each projected item was written, for errors.
    struct SelectPositions {
        var star: Token?
        var items: [Token] = []
    }

    func checkSelect(_ select: SelectClause, at positions: SelectPositions, pattern: GroupGraphPattern,
                     modifiers: SolutionModifiers) throws(SPARQLSyntaxError) {
        let inScope = pattern.inScopeVariables
        let items: [SelectItem]
        switch select.projection {
        case .all: items = []
        case .items(let list): items = list
        }

        var projected = Set<Variable>()
        for (item, token) in zip(items, positions.items) {
            if case .expression(_, let v) = item, inScope.contains(v) || projected.contains(v) {
                throw invalid(token, "\(v) is already \(projected.contains(v) ? "projected" : "in scope in the WHERE pattern"); (expression AS \(v)) must bind a new variable")
            }
            projected.insert(item.variable)
        }

        let isGrouped = !modifiers.groupBy.isEmpty
            || items.contains { if case .expression(let e, _) = $0 { e.containsAggregate } else { false } }
            || modifiers.having.contains { $0.containsAggregate }
            || modifiers.orderBy.contains { $0.expression.containsAggregate }
        guard isGrouped else { return }
        if let star = positions.star {
            throw invalid(star, "SELECT * is not allowed in a query with GROUP BY or aggregates; name the grouped variables")
        }
        var grouped = Set<Variable>()
        for condition in modifiers.groupBy {
            if let v = condition.variable {
                grouped.insert(v)
            } else if case .variable(let v) = condition.expression {
                grouped.insert(v)
            }
        }
        for (item, token) in zip(items, positions.items) {
            var used: [Variable] = []
            switch item {
            case .variable(let v): used = [v]
            case .expression(let e, _): e.addVariablesOutsideAggregates(to: &used)
            }
            if let loose = used.first(where: { !grouped.contains($0) }) {
                throw invalid(token, "\(loose) is neither grouped nor aggregated: with GROUP BY or aggregates, SELECT may use only grouped variables outside aggregates")
            }
            if case .expression(_, let v) = item { grouped.insert(v) }
        }
    }
}
