import QuiverCore

/// Whether two results are the same answer, as the W3C test suites compare them.
///
/// - ASK answers are equal when their booleans are.
/// - Solution sequences must have the same set of variables (in any order) and the same rows:
///   as a multiset, or in the same order when `ordered` is true (for queries with ORDER BY).
/// - Blank nodes are equal up to a consistent renaming: the comparison looks for one bijection
///   between the blank node labels of the two sides that maps every row of one onto a row of the
///   other (isomorphism). `_:a` in two rows must map to the same label in both.
/// - Other terms compare exactly: IRIs by their characters, literals by lexical form, datatype and
///   language tag, the tag case-insensitively (`en-US` equals `en-us`, as RDF says). A literal
///   with no datatype is `xsd:string`, so `"a"` equals `"a"^^xsd:string` (RDF 1.1). `"1"` and
///   `"01"^^xsd:integer` are different terms and not equal.
///
/// Rows without blank nodes are matched as a multiset in linear time. Rows with blank nodes are
/// grouped by their other terms first and then searched for a bijection, with backtracking: in
/// the worst case (many rows alike but for their labels) that search is exponential, as graph
/// isomorphism can be, but the suites' results and typical answers decide at once.
///
/// ```swift
/// let a = QueryResults.solutions(SolutionSequence(variables: ["x"], rows: [[.blank("b0")], [.blank("b1")]]))
/// let b = QueryResults.solutions(SolutionSequence(variables: ["x"], rows: [[.blank("z")], [.blank("y")]]))
/// ResultsEquivalence.areEquivalent(a, b)   // true
/// ```
public enum ResultsEquivalence {
    public static func areEquivalent(_ a: QueryResults, _ b: QueryResults, ordered: Bool = false) -> Bool {
        switch (a, b) {
        case (.boolean(let x), .boolean(let y)):
            return x == y
        case (.solutions(let x), .solutions(let y)):
            return areEquivalent(x, y, ordered: ordered)
        default:
            return false
        }
    }

    public static func areEquivalent(_ a: SolutionSequence, _ b: SolutionSequence, ordered: Bool = false) -> Bool {
        guard a.variables.count == b.variables.count, a.rows.count == b.rows.count,
              Set(a.variables) == Set(b.variables), Set(a.variables).count == a.variables.count else { return false }
        // b's columns in a's order.
        var columnsOfB: [String: Int] = [:]
        for (i, name) in b.variables.enumerated() { columnsOfB[name] = i }
        let permutation = a.variables.compactMap { columnsOfB[$0] }
        guard a.rows.allSatisfy({ $0.count == a.variables.count }), b.rows.allSatisfy({ $0.count == b.variables.count }) else {
            return false
        }
        let rowsOfA = a.rows.map { $0.map(normalized) }
        let rowsOfB = b.rows.map { row in permutation.map { normalized(row[$0]) } }

        if ordered {
            var mapping = BlankMapping()
            for (x, y) in zip(rowsOfA, rowsOfB) {
                guard mapping.extend(x, y) != nil else { return false }
            }
            return true
        }
        return sameMultiset(rowsOfA, rowsOfB)
    }

    /// What the CSV format keeps of `results`: what `CSVResultsReader` gives back after
    /// `CSVResultsWriter` wrote them. IRIs and literals become simple literals of their text, an
    /// empty literal (an empty field) unbound, text of the form `_:label` a blank node.
    ///
    /// ```swift
    /// let written = try ResultsWriter.serialize(answer, as: .csv)
    /// let back = try ResultsReader.read(written, as: .csv)
    /// ResultsEquivalence.areEquivalent(back, ResultsEquivalence.csvForm(answer))   // true
    /// ```
    public static func csvForm(_ results: QueryResults) -> QueryResults {
        guard case .solutions(var solutions) = results else { return results }
        solutions.rows = solutions.rows.map { row in
            row.map { term in
                switch term {
                case nil: return nil
                case .blank(let label)?: return .blank(label)
                case let term?:
                    let text = term.value
                    if text.isEmpty { return nil }
                    if text.hasPrefix("_:"), text.utf8.count > 2 { return .blank(String(text.dropFirst(2))) }
                    return .literal(text, datatype: nil, language: nil)
                }
            }
        }
        return .solutions(solutions)
    }

    /// The one spelling of a term's value: no `xsd:string` datatype, no `rdf:langString` beside a tag.
    static func normalized(_ term: Term?) -> Term? {
        guard case .literal(let value, let datatype?, let language)? = term,
              datatype == XSD.string || (datatype == RDF.langString && language != nil) else { return term }
        return .literal(value, datatype: nil, language: language)
    }

    static func hasBlank(_ row: [Term?]) -> Bool {
        row.contains { if case .blank? = $0 { true } else { false } }
    }

    /// The row with every blank node label blanked out: rows that can map onto each other share it.
    static func signature(_ row: [Term?]) -> [Term?] {
        row.map { if case .blank? = $0 { .blank("") } else { $0 } }
    }

    static func sameMultiset(_ a: [[Term?]], _ b: [[Term?]]) -> Bool {
        // Rows without blank nodes: plain multiset equality.
        var counts: [[Term?]: Int] = [:]
        var blankRowsOfA: [[Term?]] = [], blankRowsOfB: [[Term?]] = []
        for row in a {
            if hasBlank(row) { blankRowsOfA.append(row) } else { counts[row, default: 0] += 1 }
        }
        for row in b {
            if hasBlank(row) {
                blankRowsOfB.append(row)
            } else {
                guard let count = counts[row] else { return false }
                counts[row] = count == 1 ? nil : count - 1
            }
        }
        guard counts.isEmpty, blankRowsOfA.count == blankRowsOfB.count else { return false }
        if blankRowsOfA.isEmpty { return true }

        // Rows with blank nodes: the same signatures, then a search for one bijection of labels.
        var candidates: [[Term?]: [Int]] = [:]
        for (j, row) in blankRowsOfB.enumerated() { candidates[signature(row), default: []].append(j) }
        var candidateLists: [[Int]] = []
        for row in blankRowsOfA {
            guard let list = candidates[signature(row)] else { return false }
            candidateLists.append(list)
        }
        var signatureCounts: [[Term?]: Int] = [:]
        for row in blankRowsOfA { signatureCounts[signature(row), default: 0] += 1 }
        guard signatureCounts.allSatisfy({ candidates[$0.key]?.count == $0.value }) else { return false }
        return BijectionSearch(rowsOfA: blankRowsOfA, rowsOfB: blankRowsOfB, candidates: candidateLists).run()
    }
}

extension QueryResults {
    /// Whether `self` and `other` are the same answer; see `ResultsEquivalence`.
    ///
    /// ```swift
    /// actual.isEquivalent(to: expected, ordered: queryHasOrderBy)
    /// ```
    public func isEquivalent(to other: QueryResults, ordered: Bool = false) -> Bool {
        ResultsEquivalence.areEquivalent(self, other, ordered: ordered)
    }
}

/// A partial bijection between the blank labels of two results, extended row by row and undone
/// when a search backtracks.
struct BlankMapping {
    private var forward: [String: String] = [:]
    private var backward: [String: String] = [:]

    /// Extends the mapping so that row `x` maps onto row `y`: the labels it added (to undo), or
    /// nil (mapping unchanged) when the rows cannot match under it.
    mutating func extend(_ x: [Term?], _ y: [Term?]) -> [String]? {
        var added: [String] = []
        for (s, t) in zip(x, y) {
            switch (s, t) {
            case (.blank(let p)?, .blank(let q)?):
                if let image = forward[p] {
                    if image == q { continue }
                } else if backward[q] == nil {
                    forward[p] = q
                    backward[q] = p
                    added.append(p)
                    continue
                }
            default:
                if s == t { continue }
            }
            undo(added)
            return nil
        }
        return added
    }

    mutating func undo(_ added: [String]) {
        for p in added {
            if let q = forward.removeValue(forKey: p) { backward[q] = nil }
        }
    }
}

/// Depth-first search for a row matching under one blank node bijection, with an explicit stack
/// (results can have many rows; recursion could exhaust the thread's stack).
private struct BijectionSearch {
    let rowsOfA: [[Term?]]
    let rowsOfB: [[Term?]]
    /// For each row of A, the rows of B with its signature.
    let candidates: [[Int]]

    func run() -> Bool {
        var mapping = BlankMapping()
        var used = [Bool](repeating: false, count: rowsOfB.count)
        // For row i of A: the index in candidates[i] tried last, the row of B it took and the labels it added.
        var tried = [Int](repeating: -1, count: rowsOfA.count)
        var taken = [Int](repeating: -1, count: rowsOfA.count)
        var added = [[String]](repeating: [], count: rowsOfA.count)
        var i = 0
        while i >= 0 {
            if i == rowsOfA.count { return true }
            // Release what row i held before trying its next candidate.
            if taken[i] >= 0 {
                used[taken[i]] = false
                mapping.undo(added[i])
                taken[i] = -1
            }
            var matched = false
            var k = tried[i] + 1
            while k < candidates[i].count {
                let j = candidates[i][k]
                if !used[j], let labels = mapping.extend(rowsOfA[i], rowsOfB[j]) {
                    used[j] = true
                    taken[i] = j
                    added[i] = labels
                    matched = true
                    break
                }
                k += 1
            }
            tried[i] = k
            if matched {
                i += 1
            } else {
                tried[i] = -1
                i -= 1
            }
        }
        return false
    }
}
