import QuiverCore
import QuiverService
import Testing

/// Naming rows stops in time for the reply to be encoded before the deadline.
@Suite struct ResultBudgetTests {
    @Test func namingLeavesTimeToEncodeWhatWasNamed() {
        // 1,000 rows of 10 kB: encoding the first 255 is estimated at about 150 ms, more than the
        // 100 ms left, so naming stops there, before the deadline itself has passed.
        let budget = ResultBudget(maxRows: .max, maxBytes: .max, stop: StopCondition(deadline: .after(milliseconds: 100)))
        let (named, reason) = budget.fit(Array(0..<1000)) { ($0, 10_000) }
        #expect(reason == .timeout)
        #expect(named.count == 255)
        // Small rows within a far deadline are all named.
        let roomy = ResultBudget(maxRows: .max, maxBytes: .max, stop: StopCondition(deadline: .after(milliseconds: 60_000)))
        let (all, none) = roomy.fit(Array(0..<1000)) { ($0, 100) }
        #expect(all.count == 1000 && none == nil)
    }
}
