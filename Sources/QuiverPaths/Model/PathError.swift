import QuiverCore

/// A query the engine cannot run, with what the user needs to fix it.
public enum PathError: PresentableError, Sendable, Equatable {
    case unknownNode(String, suggestions: [String])
    case unknownRelation(String, suggestions: [String])
    case maxHopsAboveCeiling(requested: Int, ceiling: Int)
    case invalidArgument(ErrorMessage)
    /// A malformed path expression: the message, the expression and the 0-based character offset.
    case expressionSyntax(String, expression: String, offset: Int)

    public var category: ErrorCategory {
        switch self {
        case .unknownNode, .unknownRelation: .notFound
        // Options out of range: a usage error (WRONGARGS in the daemon, exit 2 in the CLI).
        case .maxHopsAboveCeiling, .invalidArgument: .usage
        case .expressionSyntax: .invalidInput
        }
    }

    public var message: ErrorMessage {
        switch self {
        case .unknownNode(let name, let s):
            return "unknown node '\(name)'\(Self.didYouMean(s))"
        case .unknownRelation(let name, let s):
            return "unknown relation '\(name)'\(Self.didYouMean(s))"
        case .maxHopsAboveCeiling(let r, let c):
            return "\(option: "max-hops") \(r) is above the ceiling of \(c) hops (raise the ceiling to allow it)"
        case .invalidArgument(let m):
            return m
        case .expressionSyntax(let m, let e, let o):
            return "path expression, column \(o + 1): \(m)\n  \(e)\n  \(String(repeating: " ", count: o))^"
        }
    }

    private static func didYouMean(_ s: [String]) -> String {
        s.isEmpty ? "" : "; did you mean " + s.map { "'\($0)'" }.joined(separator: ", ") + "?"
    }
}

/// Up to `count` names closest to `name` by edit distance (case-insensitive), nearest first, then by
/// name; only names within a distance of about a third of the name's length.
///
/// The scan stops after `budget`: on a graph of millions of nodes suggestions are a courtesy, and
/// an unknown name must not cost a query hundreds of milliseconds (or let a client make the
/// daemon scan the graph at will).
func closeNames<S: Sequence>(to name: String, in names: S, count: Int = 3, budget: Duration = .milliseconds(20)) -> [String]
where S.Element == String {
    let target = Array(name.lowercased().unicodeScalars)
    let bound = max(2, target.count / 3)
    let deadline = Deadline.after(budget).uptimeNanoseconds
    var found: [(Int, String)] = []
    var scanned = 0
    for candidate in names {
        scanned += 1
        if scanned & 1023 == 0 && Deadline.nowNanoseconds >= deadline { break }
        // Bytes bound scalars from above: a name far longer in bytes cannot be close.
        if candidate.utf8.count > 4 * (target.count + bound) { continue }
        let c = Array(candidate.lowercased().unicodeScalars)
        if abs(c.count - target.count) > bound { continue }
        let d = editDistance(target, c, bound: bound)
        if d <= bound { found.append((d, candidate)) }
    }
    found.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    return found.prefix(count).map(\.1)
}

/// Levenshtein distance, giving up (returning `bound + 1`) once every entry of a row is past `bound`.
func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], bound: Int) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        var rowMin = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            rowMin = min(rowMin, cur[j])
        }
        if rowMin > bound { return bound + 1 }
        swap(&prev, &cur)
    }
    return prev[b.count]
}
