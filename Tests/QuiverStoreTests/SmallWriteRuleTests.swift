import QuiverCore
import QuiverStore
import Testing
import QuiverTestSupport

/// `Store.add` refuses what the TSV reader would refuse in a file (`Term.problem`), so that what
/// it stores can be exported as TSV and loaded back.
@Suite("Small writes refuse unstorable terms")
struct SmallWriteRuleTests {
    @Test func addRefusesWhatTSVCannotHold() throws {
        let store = try TestCluster.store()
        let graph = uniqueGraphName("sw-rule")
        defer { _ = try? store.drop(graph: graph) }
        let refused: [(Term, String)] = [
            (.name(""), "is empty"), (.name("a\u{0}b"), "contains a NUL byte"), (.name("a\tb"), "contains a tab"),
            (.name("a\nb"), "contains a line feed"), (.name("a\rb"), "contains a carriage return"),
            (.iri(""), "is empty"), (.literal("x\u{0}", datatype: nil, language: nil), "contains a NUL byte"),
        ]
        for (term, why) in refused {
            do {
                _ = try store.add(graph: graph, triples: [Triple(.name("a"), .name("r"), term)])
                Issue.record("\(term) was stored")
            } catch let e as StoreError {
                #expect(e.description.hasSuffix("it \(why)"), "\(e)")
            }
        }
        #expect(try store.graph(named: graph) == nil)
        // An empty literal is a value, not a missing field.
        #expect(try store.add(graph: graph, triples: [Triple(.name("a"), .name("r"), .literal("", datatype: nil, language: nil))]).changed == 1)
    }
}
