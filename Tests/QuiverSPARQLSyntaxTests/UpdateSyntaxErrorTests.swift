import QuiverCore
import QuiverSPARQLSyntax
import Testing

/// The error an update request gets, or `nil` when it parses.
func updateError(_ text: String) -> SPARQLSyntaxError? {
    do {
        _ = try SPARQLParser.parseUpdate(text)
        return nil
    } catch {
        return error
    }
}

@Suite("SPARQL Update syntax errors")
struct UpdateSyntaxErrorTests {
    @Test func anUnexpectedTokenNamesItsPositionAndWhatWasExpected() {
        let error = updateError("PREFIX ex: <http://example/>\nSELECT * { ?s ?p ?o }")
        #expect(error == SPARQLSyntaxError(line: 2, column: 1, found: "'SELECT'",
                                           problem: .expected("INSERT, DELETE, WITH, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY, PREFIX or BASE")))
        #expect(error?.category == .invalidInput)
        #expect(updateError("LOAD ;")?.description == "line 1, column 6: expected the IRI of a document to load, found ';'")
        #expect(updateError("CREATE DEAFULT")?.description == "line 1, column 8: expected GRAPH, found 'DEAFULT'")
        #expect(updateError("CLEAR")?.description == "line 1, column 6: expected GRAPH <…>, DEFAULT, NAMED or ALL, found end of input")
        #expect(updateError("ADD <http://example/a> <http://example/b>")?.description == "line 1, column 24: expected TO, found '<http://example/b>'")
        #expect(updateError("COPY TO DEFAULT")?.description == "line 1, column 6: expected DEFAULT, GRAPH <…> or the IRI of a graph after COPY, found 'TO'")
        #expect(updateError("LOAD <http://example/doc> INTO <http://example/g>")?.description
            == "line 1, column 32: expected GRAPH, found '<http://example/g>'")
    }

    @Test func operationsAreSeparatedByOneSemicolon() {
        #expect(updateError("CREATE GRAPH <http://example/g>\nLOAD <http://example/doc>")?.description
            == "line 2, column 1: expected ';' or the end of the update, found 'LOAD'")
        #expect(updateError("CLEAR ALL ;; CLEAR ALL")?.description
            == "line 1, column 12: expected INSERT, DELETE, WITH, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY, PREFIX or BASE, found ';'")
        #expect(updateError("; CLEAR ALL")?.column == 1)
        #expect(updateError("CLEAR ALL ; CLEAR ALL ;") == nil)
    }

    @Test func templatesAndTheirClauses() {
        #expect(updateError("INSERT WHERE { ?s ?p ?o }")?.description == "line 1, column 8: expected '{' after INSERT, found 'WHERE'")
        #expect(updateError("WITH <http://example/g> WHERE { ?s ?p ?o }")?.description
            == "line 1, column 25: expected DELETE or INSERT after WITH <…>, found 'WHERE'")
        #expect(updateError("DELETE { ?s ?p ?o }")?.description == "line 1, column 20: expected INSERT { … }, USING or WHERE, found end of input")
        #expect(updateError("INSERT { ?s ?p ?o } { ?s ?p ?o }")?.description == "line 1, column 21: expected USING or WHERE, found '{'")
        // Templates hold triples, not paths.
        #expect(updateError("INSERT { ?s <http://example/p>/<http://example/q> ?o } WHERE {}")?.description
            == "line 1, column 31: expected an object (a variable, an RDF term, '[' or '('), found '/'")
        #expect(updateError("INSERT DATA { <http://example/s> <http://example/p> 1 <http://example/s> }")?.description
            == "line 1, column 55: expected '.', ';', ',', GRAPH or '}', found '<http://example/s>'")
        #expect(updateError("INSERT DATA { GRAPH <http://example/g> { <http://example/s> <http://example/p> 1 . FILTER(true) } }")?.description
            == "line 1, column 84: expected '}' or a triple, found 'FILTER'")
    }

    @Test func graphBlocksDoNotNest() {
        let error = updateError("""
            DELETE DATA {
              GRAPH <http://example/g> {
                <http://example/s> <http://example/p> <http://example/o> .
                GRAPH <http://example/g1> { <http://example/s> <http://example/p> 1 }
              }
            }
            """)
        #expect(error?.description == "line 4, column 5: a GRAPH block may not hold another: close it with '}' first")
    }

    @Test func dataBlocksHoldNoVariables() {
        let hint = "its triples must be concrete (to insert or delete by a pattern, use INSERT or DELETE … WHERE)"
        #expect(updateError("DELETE DATA { ?s <http://example/p> <http://example/o> }")?.description
            == "line 1, column 15: variables are not allowed in DELETE DATA: " + hint)
        #expect(updateError("INSERT DATA { <http://example/s> ?p <http://example/o> }")?.description
            == "line 1, column 34: variables are not allowed in INSERT DATA: " + hint)
        #expect(updateError("INSERT DATA { GRAPH ?g { <http://example/s> <http://example/p> <http://example/o> } }")?.column == 21)
        #expect(updateError("INSERT DATA { <http://example/s> <http://example/p> [ <http://example/q> ( 1 ?x ) ] }")?.column == 78)
    }

    @Test func blankNodesAreRefusedWhereTriplesAreDeleted() {
        let hint = "a blank node written there names no triple of the store; match the node with a variable in DELETE … WHERE instead"
        #expect(updateError("DELETE DATA { _:a <http://example/p> <http://example/o> }")?.description
            == "line 1, column 15: blank nodes are not allowed in DELETE DATA: " + hint)
        #expect(updateError("DELETE WHERE { ?s <http://example/p> [] }")?.description
            == "line 1, column 38: blank nodes are not allowed in DELETE WHERE: " + hint)
        #expect(updateError("DELETE { ?s <http://example/p> [ <http://example/q> ?o ] } WHERE { ?s ?p ?o }")?.description
            == "line 1, column 32: blank nodes are not allowed in a DELETE template: " + hint)
        // A collection is made of blank nodes; the empty one is rdf:nil.
        #expect(updateError("DELETE DATA { <http://example/s> <http://example/p> (1) }")?.column == 53)
        #expect(updateError("DELETE DATA { <http://example/s> <http://example/p> () }") == nil)
        // The INSERT template beside a DELETE template, and the WHERE, may hold blank nodes.
        #expect(updateError("DELETE { ?s ?p ?o } INSERT { ?s ?p [] } WHERE { ?s ?p ?o . _:x ?p ?o }") == nil)
    }

    @Test func aBlankNodeLabelBelongsToOneOperation() {
        let error = updateError("""
            PREFIX : <http://www.example.org/>
            INSERT DATA { _:b1 :p :o }
            ;
            INSERT DATA { _:b1 :p :o }
            """)
        #expect(error?.description
            == "line 4, column 15: the blank node label _:b1 is already used in another operation of this request (line 2); a label may be used in one operation only")
        // A DATA block and another operation's pattern or template.
        #expect(updateError("INSERT DATA { _:a <http://example/p> 1 } ; DELETE { ?s ?p ?o } WHERE { _:a ?p ?o }")?.column == 72)
        #expect(updateError("INSERT DATA { _:a <http://example/p> 1 } ; INSERT { _:a ?p ?o } WHERE { ?s ?p ?o }")?.column == 53)
        // Within one WHERE, the query's rule: one basic graph pattern per label.
        #expect(updateError("INSERT { ?s ?p 1 } WHERE { _:a ?p ?s OPTIONAL { _:a ?q ?s } }")?.description
            == "line 1, column 49: the blank node label _:a is already used in another basic graph pattern (line 1); a label may be used in one only")
    }

    @Test func anUndeclaredPrefixIsNamed() {
        #expect(updateError("CLEAR GRAPH ex:g")?.description
            == "line 1, column 13: the prefix 'ex:' is not declared (add PREFIX ex: <…> before the operation)")
        // A prefix declared after an operation is not in force for it.
        #expect(updateError("CLEAR GRAPH ex:g ; PREFIX ex: <http://example/>")?.column == 13)
    }

    @Test func noInputCrashesTheParser() throws {
        let seeds = [
            "PREFIX ex: <http://example/> WITH ex:g DELETE { ?s ex:p ?o } INSERT { GRAPH ?g { ?s ex:q [ ex:r (1 \"x\"@en) ] } } USING NAMED ex:h WHERE { ?s ex:p/ex:q* ?o FILTER(?o > -1) } ; LOAD SILENT <d> INTO GRAPH <g>",
            "BASE <http://e/> INSERT DATA { <a> <b> 1.5, true . GRAPH <g> { _:x <b> () } } ; DELETE WHERE { ?s ?p ?o } ; COPY DEFAULT TO GRAPH <g> ; DROP ALL",
        ]
        // Every prefix of each request, and each with one character replaced, must parse or throw.
        var random = SeededRandom(seed: 29)
        let alphabet = Array("{}()[]<>?$_:.,;'\"\\#@^|!*+-/=&0123456789eaAsS \n\u{E9}\u{0}")
        for seed in seeds {
            let characters = Array(seed)
            for end in 0...characters.count {
                _ = updateError(String(characters[..<end]))
            }
            for _ in 0..<500 {
                var mutated = characters
                mutated[random.below(mutated.count)] = alphabet[random.below(alphabet.count)]
                _ = updateError(String(mutated))
            }
        }
    }
}
