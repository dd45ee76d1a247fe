import Foundation
import QuiverCore
import QuiverSPARQLSyntax

/// One group of a grouped query: its size, and its rows when an aggregate needs them (every
/// aggregate but COUNT(*) does; a query counting only keeps no rows).
struct SolutionGroup {
    var count = 0
    var rows: Solutions = []
    /// For COUNT(?v): the rows that bind slot v (counted as rows come, so no row is kept).
    var bound: [Int: Int] = [:]
}

/// The set functions of §18.5 over one group's rows.
extension Evaluator {
    func aggregate(_ a: Aggregate, _ groupInfo: SolutionGroup) throws(ExpressionError) -> Term {
        if case .count = a.function, a.expression == nil, !a.isDistinct { return .integer(Int64(groupInfo.count)) }
        if case .count = a.function, !a.isDistinct, case .variable(let v)? = a.expression, let s = slots[v.name], let n = groupInfo.bound[s] {
            return .integer(Int64(n))
        }
        let group = groupInfo.rows
        // The argument's values over the group; rows where it errs are left out (COUNT) or make
        // the aggregate err (the others), as §18.5.1 says.
        var values: [Term] = []
        var erred = false
        if let e = a.expression {
            for row in group {
                if let v = try? evaluateExpression(e, row) { values.append(v) } else { erred = true }
            }
        }
        if a.isDistinct {
            var seen = Set<Term>()
            values = values.filter { seen.insert($0).inserted }
        }
        switch a.function {
        case .count:
            return .integer(Int64(a.expression == nil ? (a.isDistinct ? Set(group).count : group.count) : values.count))
        case .sum, .avg:
            if erred { throw ExpressionError("\(a.function): an argument has no value") }
            var total = Numeric.integer(0)
            for v in values {
                guard let n = Numeric(v) else { throw ExpressionError("SUM/AVG of a non-number \(v.ntriplesLike)") }
                total = try total + n
            }
            guard case .avg = a.function else { return total.term }
            if values.isEmpty { return Numeric.integer(0).term }
            return try (total / .integer(Int64(values.count))).term
        case .min, .max:
            if erred { throw ExpressionError("MIN/MAX: an argument has no value") }
            guard var best = values.first else { throw ExpressionError("MIN/MAX of an empty group") }
            let wanted: ComparisonResult = { if case .min = a.function { .orderedAscending } else { .orderedDescending } }()
            for v in values.dropFirst() where SPARQLValues.orderBy(v, best) == wanted { best = v }
            return best
        case .sample:
            guard let first = values.first else { throw ExpressionError("SAMPLE of an empty group") }
            return first
        case .groupConcat(let separator):
            if erred { throw ExpressionError("GROUP_CONCAT: an argument has no value") }
            var parts: [String] = []
            var language: String?? = .none
            for v in values {
                guard let s = v.stringParts else { throw ExpressionError("GROUP_CONCAT of a non-string \(v.ntriplesLike)") }
                parts.append(s.lexical)
                switch language {
                case .none: language = .some(s.language)
                case .some(let l) where !SPARQLValues.sameLanguage(l, s.language): language = .some(nil)
                default: break
                }
            }
            return .literal(parts.joined(separator: separator ?? " "), datatype: nil, language: language ?? nil)
        }
    }
}
