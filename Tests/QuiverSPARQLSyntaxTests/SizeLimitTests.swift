import QuiverSPARQLSyntax
import Testing

/// Trees as deep as a hostile query could make them are refused with the position, before any
/// evaluation: a chain of operators nests as deep as it is long, and a basic graph pattern is
/// matched one level per pattern.
@Suite struct SPARQLSizeLimitTests {
    func refusal(_ text: String) -> String? {
        do {
            _ = try SPARQLParser.parseQuery(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func longOperatorChainsAreRefused() {
        #expect(refusal("SELECT (" + Array(repeating: "1", count: 1001).joined(separator: "+") + " AS ?x) {}") == nil)
        let long = refusal("SELECT (" + Array(repeating: "1", count: 1002).joined(separator: "+") + " AS ?x) {}")
        #expect(long?.contains("more than 1000 operators") == true, "\(long ?? "accepted")")
        let path = refusal("SELECT * { ?a " + Array(repeating: "<urn:p>", count: 1200).joined(separator: "/") + " ?b }")
        #expect(path?.contains("more than 1000 operators") == true, "\(path ?? "accepted")")
        // Counted over the whole query, not per expression.
        let spread = refusal("SELECT * { ?a ?b ?c " + Array(repeating: "FILTER(1+1+1+1+1+1+1+1+1+1+1)", count: 101).joined(separator: " ") + " }")
        #expect(spread?.contains("more than 1000 operators") == true, "\(spread ?? "accepted")")
    }

    @Test func hugeBlocksOfTriplePatternsAreRefused() {
        func block(_ n: Int) -> String { (0..<n).map { "?s\($0) ?p\($0) ?o\($0) ." }.joined(separator: " ") }
        #expect(refusal("SELECT * { \(block(1000)) }") == nil)
        let huge = refusal("SELECT * {\n \(block(1001)) }")
        #expect(huge?.hasPrefix("line 2, column 2:") == true && huge?.contains("at most 1000 patterns") == true, "\(huge ?? "accepted")")
    }
}
