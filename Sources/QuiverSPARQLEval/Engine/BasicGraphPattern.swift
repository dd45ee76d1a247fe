import QuiverCore
import QuiverGraph

/// What a variable is bound to in a solution: a term by its id (`TermID.rawValue`, the same in
/// every graph, so solutions from several graphs join), or `unbound`.
///
/// `unbound` is one value of the 64-bit id space: a term whose id it is could not be told from
/// no value (a chance of one in 2⁶⁴ per distinct term).
public enum Binding {
    public static let unbound = Int64.min
}

/// One position of a triple pattern: a variable (its slot in the solution), a term (by its id),
/// or a variable nothing reads (`Mentions`): matched like a variable, never bound.
public enum PatternTerm: Hashable, Sendable {
    case variable(Int)
    case constant(Int64)
    case any

    var slot: Int? { if case .variable(let s) = self { s } else { nil } }
}

public struct TriplePattern: Hashable, Sendable {
    public var subject: PatternTerm
    public var predicate: PatternTerm
    public var object: PatternTerm

    public init(_ subject: PatternTerm, _ predicate: PatternTerm, _ object: PatternTerm) {
        (self.subject, self.predicate, self.object) = (subject, predicate, object)
    }
}

/// A basic graph pattern matched against one graph version: an index nested-loop join, depth
/// first, each pattern read through the index its bound positions pick (`matchEdges`), in an
/// order chosen from the version's counts: at each step the pattern expected to match fewest
/// edges given what is bound. Solutions are handed on as they are found, so a consumer that
/// stops (LIMIT, ASK, EXISTS) stops the search.
///
/// ```swift
/// let bgp = BasicGraphPattern(snapshot: version, patterns: [TriplePattern(.variable(0), .constant(bornIn), .variable(1))])
/// var row = [Int64](repeating: Binding.unbound, count: 2)
/// bgp.solutions(extending: &row) { solution in print(solution); return true }
/// ```
public struct BasicGraphPattern: Sendable {
    public let snapshot: CSRSnapshot
    public let patterns: [TriplePattern]
    /// Whether a constant of the patterns is absent from the version (then nothing matches).
    let impossible: Bool

    public init(snapshot: CSRSnapshot, patterns: [TriplePattern]) {
        self.snapshot = snapshot
        self.patterns = patterns
        impossible = patterns.contains { p in
            if case .constant(let id) = p.subject, snapshot.node(termID: id) == nil { return true }
            if case .constant(let id) = p.predicate, snapshot.relation(termID: id) == nil { return true }
            if case .constant(let id) = p.object, snapshot.node(termID: id) == nil { return true }
            return false
        }
    }

    /// Calls `emit` with `row` extended by each solution of the patterns that agrees with the
    /// slots `row` binds already, until `emit` returns false (then returns false). `row` is
    /// restored before this returns.
    @discardableResult
    public func solutions(extending row: inout [Int64], _ emit: ([Int64]) -> Bool) -> Bool {
        guard !impossible else { return true }
        var done = [Bool](repeating: false, count: patterns.count)
        return step(&row, &done, remaining: patterns.count, emit)
    }

    /// The dense id of a pattern position under `row`: .some(nil) when free, nil when its value is
    /// not in this version (no match).
    private func resolve(_ t: PatternTerm, _ row: [Int64], relation: Bool) -> Int32?? {
        let id: Int64
        switch t {
        case .constant(let c): id = c
        case .variable(let s):
            guard row[s] != Binding.unbound else { return .some(nil) }
            id = row[s]
        case .any: return .some(nil)
        }
        guard let dense = relation ? snapshot.relation(termID: id) : snapshot.node(termID: id) else { return nil }
        return .some(dense)
    }

    private enum Next {
        /// A bound value is not in this version: this branch has no solution.
        case noSolution
        case pattern(index: Int, s: Int32?, r: Int32?, o: Int32?)
    }

    /// The pattern to match next: the one with the fewest expected matches under what `row`
    /// binds (a pattern with nothing bound weighs more: it multiplies the rows).
    private func next(_ row: [Int64], _ done: [Bool]) -> Next {
        var best: (next: Next, cost: Int)?
        for (i, p) in patterns.enumerated() where !done[i] {
            guard let s = resolve(p.subject, row, relation: false), let r = resolve(p.predicate, row, relation: true),
                  let o = resolve(p.object, row, relation: false) else { return .noSolution }
            var cost = snapshot.estimatedMatches(subject: s, relation: r, object: o)
            if s == nil && r == nil && o == nil { cost = cost &* 4 }
            if best == nil || cost < best!.cost { best = (.pattern(index: i, s: s, r: r, o: o), cost) }
            if cost == 0 { break }
        }
        return best?.next ?? .noSolution
    }

    private func step(_ row: inout [Int64], _ done: inout [Bool], remaining: Int, _ emit: ([Int64]) -> Bool) -> Bool {
        guard remaining > 0 else { return emit(row) }
        guard case .pattern(let i, let s, let r, let o) = next(row, done) else { return true }
        let p = patterns[i]
        done[i] = true
        defer { done[i] = false }
        let freeS = s == nil ? p.subject.slot : nil, freeR = r == nil ? p.predicate.slot : nil, freeO = o == nil ? p.object.slot : nil
        var keepGoing = true
        snapshot.matchEdges(subject: s, relation: r, object: o) { a, b, c in
            // Bind the free variables; one that appears twice in the pattern must agree with itself.
            // A term id is looked up only for a variable to bind (a random read per node).
            // The slots this edge bound, to unbind after (at most three: no array to allocate per edge).
            var bound: (Int, Int, Int) = (-1, -1, -1)
            func bind(_ slot: Int?, _ value: @autoclosure () -> Int64, _ k: Int) -> Bool {
                guard let slot else { return true }
                let value = value()
                if row[slot] == Binding.unbound {
                    row[slot] = value
                    switch k { case 0: bound.0 = slot; case 1: bound.1 = slot; default: bound.2 = slot }
                    return true
                }
                return row[slot] == value
            }
            if bind(freeS, snapshot.nodeTermID(a), 0), bind(freeR, snapshot.relationTermID(b), 1), bind(freeO, snapshot.nodeTermID(c), 2) {
                keepGoing = step(&row, &done, remaining: remaining - 1, emit)
            }
            if bound.0 >= 0 { row[bound.0] = Binding.unbound }
            if bound.1 >= 0 { row[bound.1] = Binding.unbound }
            if bound.2 >= 0 { row[bound.2] = Binding.unbound }
            return keepGoing
        }
        return keepGoing
    }
}
