import QuiverCore
import QuiverSPARQLResults
import Testing

private func solutions(_ variables: [String], _ rows: [[Term?]]) -> QueryResults {
    .solutions(SolutionSequence(variables: variables, rows: rows))
}

struct EquivalenceTests {
    let a: Term = .iri("http://example/a"), b: Term = .iri("http://example/b")

    @Test func isomorphicBlankNodesAreEqual() {
        let left = solutions(["x", "y"], [[.blank("b0"), .blank("b1")], [.blank("b1"), .blank("b0")], [.blank("b2"), a]])
        let right = solutions(["x", "y"], [[.blank("q"), a], [.blank("s"), .blank("r")], [.blank("r"), .blank("s")]])
        #expect(left.isEquivalent(to: right))
        #expect(!left.isEquivalent(to: right, ordered: true))
    }

    @Test func blankNodesThatNoBijectionMatchesAreNotEqual() {
        // Two labels on one side, one on the other: a renaming must be one to one.
        #expect(!solutions(["x"], [[.blank("b0")], [.blank("b1")]]).isEquivalent(to: solutions(["x"], [[.blank("z")], [.blank("z")]])))
        #expect(!solutions(["x"], [[.blank("z")], [.blank("z")]]).isEquivalent(to: solutions(["x"], [[.blank("b0")], [.blank("b1")]])))
        // The same label in both columns against two labels.
        #expect(!solutions(["x", "y"], [[.blank("b0"), .blank("b0")]]).isEquivalent(to: solutions(["x", "y"], [[.blank("p"), .blank("q")]])))
        // A blank node is not an IRI or a literal.
        #expect(!solutions(["x"], [[.blank("b0")]]).isEquivalent(to: solutions(["x"], [[.iri("b0")]])))
        // The mapping must hold across rows: b0 is with a and with b; on the right p is with a only.
        #expect(!solutions(["x", "y"], [[.blank("b0"), a], [.blank("b0"), b]])
            .isEquivalent(to: solutions(["x", "y"], [[.blank("p"), a], [.blank("q"), b]])))
    }

    @Test func theSearchBacktracksWhenAFirstChoiceOfLabelFails() {
        // Matching left's first row to right's first row (b0 → y) leaves (b0, b) unmatched.
        let left = solutions(["x", "y"], [[.blank("b0"), a], [.blank("b0"), b], [.blank("b1"), a]])
        let right = solutions(["x", "y"], [[.blank("y"), a], [.blank("x"), a], [.blank("x"), b]])
        #expect(left.isEquivalent(to: right))
        #expect(ResultsEquivalence.areEquivalent(left, right, ordered: false))
    }

    @Test func orderIsRespectedOnlyWhenAsked() {
        let one = lit("1", XSD.integer), two = lit("2", XSD.integer)
        let left = solutions(["n"], [[one], [two]]), right = solutions(["n"], [[two], [one]])
        #expect(left.isEquivalent(to: right))
        #expect(!left.isEquivalent(to: right, ordered: true))
        #expect(left.isEquivalent(to: left, ordered: true))
        // Multisets: how often a row occurs counts.
        #expect(!solutions(["n"], [[one], [one], [two]]).isEquivalent(to: solutions(["n"], [[one], [two], [two]])))
        #expect(!solutions(["n"], [[one]]).isEquivalent(to: solutions(["n"], [[one], [one]])))
    }

    @Test func variablesCompareAsASetAndColumnsFollowThem() {
        let left = solutions(["x", "y"], [[a, nil], [nil, b]])
        #expect(left.isEquivalent(to: solutions(["y", "x"], [[nil, a], [b, nil]]), ordered: true))
        #expect(!left.isEquivalent(to: solutions(["y", "x"], [[a, nil], [nil, b]])))
        #expect(!left.isEquivalent(to: solutions(["x", "z"], [[a, nil], [nil, b]])))
        #expect(!left.isEquivalent(to: solutions(["x"], [[a], [nil]])))
        #expect(solutions([], []).isEquivalent(to: solutions([], [])))
        #expect(!solutions([], [[]]).isEquivalent(to: solutions([], [])))
    }

    @Test func literalsCompareByLexicalFormDatatypeAndLanguageIgnoringTheTagsCase() {
        func same(_ x: Term, _ y: Term) -> Bool { solutions(["v"], [[x]]).isEquivalent(to: solutions(["v"], [[y]])) }
        #expect(same(lit("chat", lang: "en-GB"), lit("chat", lang: "EN-gb")))
        #expect(!same(lit("chat", lang: "en"), lit("chat", lang: "fr")))
        #expect(!same(lit("chat", lang: "en"), lit("chat")))
        #expect(same(lit("a"), lit("a", XSD.string)))
        #expect(same(lit("a", lang: "en"), lit("a", RDF.langString, lang: "en")))
        #expect(!same(lit("1", XSD.integer), lit("01", XSD.integer)))
        #expect(!same(lit("1", XSD.integer), lit("1", XSD.decimal)))
        #expect(!same(lit("1", XSD.integer), lit("1")))
        #expect(!same(.iri("http://example/a"), lit("http://example/a")))
        #expect(!same(lit("e\u{301}"), lit("é")))   // exact characters, not Unicode equivalence
    }

    @Test func booleansCompareByValueAndNeverEqualSolutions() {
        #expect(QueryResults.boolean(true).isEquivalent(to: .boolean(true)))
        #expect(!QueryResults.boolean(true).isEquivalent(to: .boolean(false)))
        #expect(!QueryResults.boolean(false).isEquivalent(to: solutions([], [])))
    }

    /// Against a brute-force reference: every bijection between the two sides' labels, tried.
    @Test func agreesWithTryingEveryBijection() {
        var random = SeededRandom(seed: 7)
        let pool: [Term?] = [nil, a, b, .blank("b0"), .blank("b1"), .blank("b2")]
        var equal = 0, unequal = 0
        for _ in 0..<600 {
            let rows: [[Term?]] = (0..<random.below(5) + 1).map { _ in [pool[random.below(pool.count)], pool[random.below(pool.count)]] }
            // The other side: labels renamed by a random permutation and rows shuffled,
            // then sometimes one slot changed.
            var names = ["p", "q", "r"]
            random.shuffle(&names)
            var other = rows.map { row in row.map { term -> Term? in
                if case .blank(let label)? = term, let index = Int(label.dropFirst()) { return .blank(names[index]) }
                return term
            } }
            random.shuffle(&other)
            if random.below(2) == 0 {
                let r = random.below(other.count), c = random.below(2)
                other[r][c] = [nil, a, .blank("p"), .blank("q"), .blank("r")][random.below(5)]
            }
            let expected = bruteForceEquivalent(rows, other)
            #expect(ResultsEquivalence.areEquivalent(solutions(["x", "y"], rows), solutions(["x", "y"], other)) == expected, "\(rows) vs \(other)")
            if expected { equal += 1 } else { unequal += 1 }
        }
        #expect(equal > 100 && unequal > 100)
    }

    private func bruteForceEquivalent(_ x: [[Term?]], _ y: [[Term?]]) -> Bool {
        func labels(_ rows: [[Term?]]) -> [String] {
            Array(Set(rows.joined().compactMap { if case .blank(let l)? = $0 { l } else { nil } })).sorted()
        }
        let left = labels(x), right = labels(y)
        guard left.count == right.count, x.count == y.count else { return false }
        func sorted(_ rows: [[Term?]]) -> [String] { rows.map { "\($0)" }.sorted() }
        let target = sorted(y)
        for image in permutations(right) {
            let mapping = Dictionary(uniqueKeysWithValues: zip(left, image))
            let mapped = x.map { row in row.map { term -> Term? in
                if case .blank(let l)? = term { return .blank(mapping[l] ?? l) }
                return term
            } }
            if sorted(mapped) == target { return true }
        }
        return false
    }

    private func permutations(_ items: [String]) -> [[String]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { i in
            var rest = items
            let first = rest.remove(at: i)
            return permutations(rest).map { [first] + $0 }
        }
    }

    @Test func csvFormKeepsWhatCSVKeeps() {
        let original = solutions(["x"], [[.iri("http://example/a")], [lit("4", XSD.integer)], [lit("chat", lang: "fr")], [.blank("b0")], [lit("")], [lit("_:z")], [nil]])
        #expect(ResultsEquivalence.csvForm(original) == solutions(["x"], [
            [lit("http://example/a")], [lit("4")], [lit("chat")], [.blank("b0")], [nil], [.blank("z")], [nil],
        ]))
        #expect(ResultsEquivalence.csvForm(.boolean(true)) == .boolean(true))
    }
}
