import QuiverSPARQLSyntax
import Testing

/// Trees as deep as a hostile query could make them are refused with the position, before any
/// evaluation: a chain of operators nests as deep as it is long, and a basic graph pattern is
/// matched one level per pattern. An update request is held to the same caps, operation by
/// operation, and to a number of operations.
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

    func updateRefusal(_ text: String) -> String? {
        do {
            _ = try SPARQLParser.parseUpdate(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func anUpdateRequestHoldsAtMostAThousandOperations() {
        func request(_ n: Int) -> String { Array(repeating: "CLEAR DEFAULT", count: n).joined(separator: " ;\n") }
        #expect(updateRefusal(request(1000)) == nil)
        #expect(updateRefusal(request(1001)) == "line 1001, column 1: an update request holds at most 1000 operations; send the rest in another request")
    }

    @Test func eachOperationIsHeldToTheQueryCaps() {
        let chain = Array(repeating: "1", count: 1002).joined(separator: "+")
        let long = updateRefusal("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?o = \(chain)) }")
        #expect(long?.contains("the operation has more than 1000 operators") == true, "\(long ?? "accepted")")
        // Counted per operation: two operations of 600 operators each are within the cap.
        let half = "INSERT { ?s ?p 1 } WHERE { ?s ?p ?o FILTER(?o = " + Array(repeating: "1", count: 601).joined(separator: "+") + ") }"
        #expect(updateRefusal(half + " ;\n" + half) == nil)

        let deep = updateRefusal("INSERT { ?s ?p ?o } WHERE " + String(repeating: "{ ", count: 5000))
        #expect(deep?.hasSuffix("the operation nests groups, brackets and paths more than 200 deep") == true, "\(deep ?? "accepted")")
        let deepData = updateRefusal("INSERT DATA { <urn:s> <urn:p> " + String(repeating: "[ <urn:p> ", count: 5000))
        #expect(deepData?.hasSuffix("more than 200 deep") == true, "\(deepData ?? "accepted")")
    }

    @Test func blocksThatAreMatchedAreCappedAndDataIsNot() {
        func block(_ n: Int, _ term: (Int) -> String) -> String { (0..<n).map { "\(term($0)) <urn:p> \($0) ." }.joined(separator: " ") }
        let variables = { (i: Int) in "?s\(i)" }
        #expect(updateRefusal("DELETE WHERE { \(block(1000, variables)) }") == nil)
        let deleteWhere = updateRefusal("DELETE WHERE { GRAPH <urn:g> {\n \(block(1001, variables)) } }")
        #expect(deleteWhere == "line 2, column 2: a block of triple patterns holds at most 1000 patterns, this one 1001")
        let pattern = updateRefusal("INSERT { ?s0 <urn:q> 1 } WHERE { \(block(1001, variables)) }")
        #expect(pattern?.contains("at most 1000 patterns") == true, "\(pattern ?? "accepted")")
        // DATA blocks and templates are instantiated, never matched: only the text bounds them.
        let iris = { (i: Int) in "<urn:s\(i)>" }
        #expect(updateRefusal("INSERT DATA { \(block(5000, iris)) }") == nil)
        #expect(updateRefusal("INSERT { \(block(5000, variables)) } WHERE { ?s0 ?p ?o }") == nil)
    }
}
