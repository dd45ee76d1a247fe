import QuiverCore
import QuiverSPARQLSyntax
import Testing

/// The error a query gets, or `nil` when it parses.
func syntaxError(_ text: String) -> SPARQLSyntaxError? {
    do {
        _ = try SPARQLParser.parseQuery(text)
        return nil
    } catch {
        return error
    }
}

@Suite("SPARQL syntax errors")
struct SyntaxErrorTests {
    @Test func anUnexpectedKeywordNamesItsPositionAndWhatWasExpected() {
        let error = syntaxError("SELECT * {\n  ?s ?p ?o .\n  SELECT ?x { }\n}")
        #expect(error == SPARQLSyntaxError(line: 3, column: 3, found: "'SELECT'", problem: .expected("'}' or a triple pattern")))
        #expect(error?.description == "line 3, column 3: expected '}' or a triple pattern, found 'SELECT'")
        #expect(error?.category == .invalidInput)
    }

    @Test func aMissingDotBetweenTriples() {
        #expect(syntaxError("PREFIX : <http://example/>\nSELECT * { :s1 :p1 :o1 :s2 :p2 :o2 }")?.description
            == "line 2, column 24: expected '.', ';', ',' or '}', found ':s2'")
    }

    @Test func theEndOfInput() {
        #expect(syntaxError("SELECT * WHERE { ?s ?p")?.description == "line 1, column 23: expected an object (a variable, an RDF term, '[' or '('), found end of input")
        #expect(syntaxError("ASK {} garbage")?.description == "line 1, column 8: expected VALUES or the end of the query, found 'garbage'")
        #expect(syntaxError("")?.description == "line 1, column 1: expected SELECT, CONSTRUCT, DESCRIBE, ASK, PREFIX or BASE, found end of input")
    }

    @Test func columnsCountCharactersOfTheTextAsWritten() {
        // é and 😀 are one column each; the \u escape is six columns as written.
        #expect(syntaxError("SELECT * { ?é ?p \"😀\\u00e9\" ?x }")?.description
            == "line 1, column 28: expected '.', ';', ',' or '}', found '?x'")
        #expect(syntaxError("SELECT * {\r\n  ?s ?p ?o ?x }")?.line == 2)
    }

    @Test func anUndeclaredPrefix() {
        let error = syntaxError("SELECT ?n {\n  ?s foaf:name ?n }")
        #expect(error?.description == "line 2, column 6: the prefix 'foaf:' is not declared (add PREFIX foaf: <…> before the query)")
        #expect(error?.found == "'foaf:name'")
    }

    @Test func staticRulesOnVariables() {
        #expect(syntaxError("SELECT * { ?s ?p ?o BIND(1 AS ?o) }")?.description
            == "line 1, column 31: ?o is already in scope in this group; BIND must assign a new variable")
        #expect(syntaxError("SELECT (1 AS ?s) { ?s ?p ?o }")?.description
            == "line 1, column 14: ?s is already in scope in the WHERE pattern; (expression AS ?s) must bind a new variable")
        #expect(syntaxError("SELECT ?p { ?s ?p ?o } GROUP BY ?s")?.description
            == "line 1, column 8: ?p is neither grouped nor aggregated: with GROUP BY or aggregates, SELECT may use only grouped variables outside aggregates")
        #expect(syntaxError("SELECT * { ?s ?p ?o } HAVING (COUNT(?s) > 1)")?.description
            == "line 1, column 8: SELECT * is not allowed in a query with GROUP BY or aggregates; name the grouped variables")
        // Grouped and assigned variables may be used; a BIND after a FILTER-only group is new.
        #expect(syntaxError("SELECT ?s (COUNT(?o) AS ?n) (?n * 2 AS ?twice) { ?s ?p ?o } GROUP BY ?s") == nil)
        #expect(syntaxError("SELECT ((?o) AS ?x) { ?s ?p ?o } GROUP BY (?o)") == nil)
        #expect(syntaxError("SELECT * { FILTER(?o) BIND(1 AS ?o) }") == nil)
    }

    @Test func aggregatesOnlyWhereAllowed() {
        #expect(syntaxError("SELECT * { ?s ?p ?o FILTER(COUNT(?o) > 1) }")?.description
            == "line 1, column 28: the aggregate COUNT is not allowed here: aggregates may appear only in SELECT, HAVING and ORDER BY, and not inside another aggregate")
        #expect(syntaxError("SELECT (SUM(MAX(?o)) AS ?x) { ?s ?p ?o }")?.column == 13)
        #expect(syntaxError("SELECT ?s { ?s ?p ?o } GROUP BY (COUNT(?o))")?.column == 34)
        #expect(syntaxError("SELECT * { FILTER(<http://example/agg>(DISTINCT ?o)) }")?.column == 40)
        #expect(syntaxError("SELECT (<http://example/agg>(DISTINCT ?o) AS ?a) { ?s ?p ?o }") == nil)
        #expect(syntaxError("SELECT ?s (<http://example/agg>(DISTINCT ?o) AS ?a) { ?s ?p ?o }")?.column == 8)
        #expect(syntaxError("SELECT (COUNT(*) AS ?n) { { SELECT (AVG(?o) AS ?a) { ?s ?p ?o } } } ORDER BY DESC(MIN(?a))") == nil)
    }

    @Test func blankNodeLabelsStayInOneBasicGraphPattern() {
        #expect(syntaxError("SELECT * { _:a ?p ?o OPTIONAL { ?x ?y ?z } _:a ?q ?r }")?.description
            == "line 1, column 44: the blank node label _:a is already used in another basic graph pattern (line 1); a label may be used in one only")
        #expect(syntaxError("SELECT * { _:a ?p ?o FILTER(?o) _:a ?q ?r . _:a ?s ?t }") == nil)
        #expect(syntaxError("CONSTRUCT { _:a ?p ?o } WHERE { _:a ?p ?o }") == nil)
    }

    @Test func lexicalErrors() {
        #expect(syntaxError("SELECT * { ?s ?p \"open\n}")?.description
            == "line 1, column 18: expected a string closed by \" on its line (use \"\"\" for several lines), found '\"open'")
        #expect(syntaxError("SELECT * { ?s ?p '''open }")?.description
            == "line 1, column 18: expected a string closed by ''' before the end of input, found ''''open'")
        #expect(syntaxError("SELECT * { ?s ?p \"\\q\" }")?.description
            == "line 1, column 19: expected a string escape (\\t \\b \\n \\r \\f \\\" \\' \\\\), found '\\q\"'")
        #expect(syntaxError("SELECT * { ?s ?p \"\\uD800\" }")?.column == 19)
        #expect(syntaxError("SELECT * { ?s ?p ~ }")?.description == "line 1, column 18: expected a keyword, term, variable or punctuation, found '~'")
        #expect(syntaxError("SELECT (STRLEN(?a, ?b) AS ?n) {}")?.description == "line 1, column 15: STRLEN takes 1 argument, not 2")
        #expect(syntaxError("SELECT * {} LIMIT 99999999999999999999")?.column == 19)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 5000)
        #expect(syntaxError("SELECT * { FILTER" + deep + "?x" + String(repeating: ")", count: 5000) + " }")?.description.hasSuffix("more than 200 deep") == true)
        #expect(syntaxError("SELECT * " + String(repeating: "{ ", count: 5000))?.description.hasSuffix("more than 200 deep") == true)
        #expect(syntaxError("SELECT * { ?s ?p " + String(repeating: "[ ?p ", count: 5000))?.description.hasSuffix("more than 200 deep") == true)
        #expect(syntaxError("SELECT * { ?s " + String(repeating: "(", count: 5000))?.description.hasSuffix("more than 200 deep") == true)
        // Just under the cap parses.
        #expect(syntaxError("SELECT * { FILTER" + String(repeating: "(", count: 190) + "?x" + String(repeating: ")", count: 190) + " }") == nil)
        #expect(syntaxError("SELECT * " + String(repeating: "{ ", count: 190) + String(repeating: "} ", count: 190)) == nil)
    }

    @Test func noInputCrashesTheParser() throws {
        let seeds = [
            "PREFIX ex: <http://example/> SELECT DISTINCT ?s (COUNT(*) AS ?n) WHERE { ?s ex:p/ex:q* [ ex:r (1 2.5 \"x\"@en) ] OPTIONAL { ?s ^ex:a ?o FILTER(?o > -1 && REGEX(STR(?o), \"a\", \"i\")) } } GROUP BY ?s ORDER BY DESC(?n) LIMIT 5",
            "BASE <http://e/> CONSTRUCT { ?s <p> _:b } WHERE { { ?s !(<a>|^<b>) ?o } UNION { VALUES (?s ?o) { (<x> UNDEF) } } BIND(IF(BOUND(?o), 1e3, .5) AS ?z) }",
        ]
        // Every prefix of each query, and each with one character replaced, must parse or throw.
        var random = SeededRandom(seed: 14)
        let alphabet = Array("{}()[]<>?$_:.,;'\"\\#@^|!*+-/=&0123456789eaAsS \n\u{E9}\u{0}")
        for seed in seeds {
            let characters = Array(seed)
            for end in 0...characters.count {
                _ = syntaxError(String(characters[..<end]))
            }
            for _ in 0..<500 {
                var mutated = characters
                mutated[random.below(mutated.count)] = alphabet[random.below(alphabet.count)]
                _ = syntaxError(String(mutated))
            }
        }
        for _ in 0..<300 {
            let bytes = (0..<random.below(200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = syntaxError(String(decoding: bytes, as: UTF8.self))
        }
    }
}
