import QuiverCore
import QuiverSPARQLSyntax
import Testing

func quad(_ s: TermPattern, _ p: TermPattern, _ o: TermPattern, in graph: VariableOrIRI? = nil) -> QuadPattern {
    QuadPattern(TriplePattern(s, p, o), graph: graph)
}

func data(_ s: Term, _ p: Term, _ o: Term, in graph: String? = nil) -> DataQuad {
    DataQuad(Triple(s, p, o), graph: graph)
}

@Suite("SPARQL Update syntax trees")
struct UpdateSyntaxTreeTests {
    @Test func theProloguesDeclarationsCarryOverToTheOperationsAfterThem() throws {
        let request = try SPARQLParser.parseUpdate("""
            PREFIX ex: <http://example/>
            INSERT DATA { ex:s ex:p "a", 1 . GRAPH ex:g { ex:s a ex:C } } ;
            BASE <http://example/dir/>
            DELETE DATA { <x> ex:p ex:o } ;
            PREFIX ex: <http://changed/>
            DELETE WHERE { ?s ex:p ?o . GRAPH ?g { ?s ?q <y> } }
            """, baseIRI: "http://ignored/")
        #expect(request.prologue == [.prefix("ex", namespace: ex), .base(ex + "dir/"), .prefix("ex", namespace: "http://changed/")])
        let s = Term.iri(ex + "s"), p = Term.iri(ex + "p")
        #expect(request.operations == [
            .insertData([
                data(s, p, .literal("a", datatype: nil, language: nil)),
                data(s, p, literal("1", xsd + "integer")),
                data(s, .iri(rdf + "type"), .iri(ex + "C"), in: ex + "g"),
            ]),
            .deleteData([data(.iri(ex + "dir/x"), p, .iri(ex + "o"))]),
            .deleteWhere([
                quad(v("s"), .term(.iri("http://changed/p")), v("o")),
                quad(v("s"), v("q"), iri("dir/y"), in: .variable("g")),
            ]),
        ])
    }

    @Test func deleteInsertWhereWithItsGraphsAndDataset() throws {
        let request = try SPARQLParser.parseUpdate("""
            PREFIX ex: <http://example/>
            WITH ex:people
            DELETE { ?person ex:age ?age }
            INSERT { ?person ex:age ?next ; ex:address [ ex:city ?city ] . GRAPH ?g { ?person a ex:Aged } }
            USING ex:people USING NAMED ex:log
            WHERE { ?person ex:age ?age ; ex:city ?city . BIND(?age + 1 AS ?next) GRAPH ?g { ?person ?p ?o } }
            """)
        let expected = Modify(
            with: ex + "people",
            delete: [quad(v("person"), iri("age"), v("age"))],
            insert: [
                quad(v("person"), iri("age"), v("next")),
                quad(blank("genid1"), iri("city"), v("city")),
                quad(v("person"), iri("address"), blank("genid1")),
                quad(v("person"), .term(.iri(rdf + "type")), iri("Aged"), in: .variable("g")),
            ],
            using: [DatasetClause(iri: ex + "people", isNamed: false), DatasetClause(iri: ex + "log", isNamed: true)],
            pattern: GroupGraphPattern([
                .triples([triple(v("person"), iri("age"), v("age")), triple(v("person"), iri("city"), v("city"))]),
                .bind(.binary(.add, .variable("age"), .term(literal("1", xsd + "integer"))), as: "next"),
                .graph(.variable("g"), GroupGraphPattern([.triples([triple(v("person"), v("p"), v("o"))])])),
            ]))
        #expect(request.operations == [.modify(expected)])
    }

    @Test func eitherTemplateMayBeLeftOut() throws {
        let insertOnly = try SPARQLParser.parseUpdate("INSERT { ?s <http://example/p> 1 } WHERE { ?s ?p ?o }")
        guard case .modify(let insert) = insertOnly.operations.first else {
            Issue.record("not a DELETE/INSERT: \(insertOnly)")
            return
        }
        #expect(insert.delete == nil && insert.insert?.count == 1 && insert.with == nil && insert.using.isEmpty)

        let deleteOnly = try SPARQLParser.parseUpdate("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")
        guard case .modify(let delete) = deleteOnly.operations.first else {
            Issue.record("not a DELETE/INSERT: \(deleteOnly)")
            return
        }
        #expect(delete.insert == nil && delete.delete == [quad(v("s"), v("p"), v("o"))])

        // An empty template is written, so it is there (and empty).
        let empty = try SPARQLParser.parseUpdate("DELETE {} INSERT {} WHERE {}")
        #expect(empty.operations == [.modify(Modify(delete: [], insert: [], pattern: GroupGraphPattern()))])
    }

    @Test func graphManagementOperations() throws {
        let request = try SPARQLParser.parseUpdate("""
            BASE <http://example/>
            LOAD <doc.ttl> ; load silent <doc.ttl> into graph <g> ;
            CLEAR GRAPH <g> ; CLEAR SILENT DEFAULT ; DROP NAMED ; drop silent all ;
            CREATE GRAPH <new> ; CREATE SILENT GRAPH <new> ;
            ADD DEFAULT TO GRAPH <g> ; MOVE SILENT <a> TO DEFAULT ; COPY GRAPH <a> TO <b>
            """)
        #expect(request.operations == [
            .load(document: ex + "doc.ttl", into: nil, silent: false),
            .load(document: ex + "doc.ttl", into: ex + "g", silent: true),
            .clear(.graph(ex + "g"), silent: false),
            .clear(.defaultGraph, silent: true),
            .drop(.named, silent: false),
            .drop(.all, silent: true),
            .create(graph: ex + "new", silent: false),
            .create(graph: ex + "new", silent: true),
            .add(from: .defaultGraph, to: .graph(ex + "g"), silent: false),
            .move(from: .graph(ex + "a"), to: .defaultGraph, silent: true),
            .copy(from: .graph(ex + "a"), to: .graph(ex + "b"), silent: false),
        ])
    }

    @Test func emptyRequestsAndATrailingSeparator() throws {
        #expect(try SPARQLParser.parseUpdate("") == UpdateRequest(operations: []))
        #expect(try SPARQLParser.parseUpdate("# nothing to do\n") == UpdateRequest(operations: []))
        #expect(try SPARQLParser.parseUpdate("PREFIX ex: <http://example/>") == UpdateRequest(prologue: [.prefix("ex", namespace: ex)], operations: []))
        #expect(try SPARQLParser.parseUpdate("CLEAR ALL ;").operations == [.clear(.all, silent: false)])
        // A prologue after the last ';' declares for nothing, and is still valid.
        #expect(try SPARQLParser.parseUpdate("CLEAR ALL ; PREFIX ex: <http://example/>").prologue == [.prefix("ex", namespace: ex)])
        // INSERT DATA and DELETE WHERE may be split by white space and comments.
        #expect(try SPARQLParser.parseUpdate("INSERT\n# data follows\nDATA {}").operations == [.insertData([])])
    }

    @Test func blankNodesOfDataAndTemplates() throws {
        // One label in two GRAPH blocks of one DATA block is one node (syntax-update-53).
        let shared = try SPARQLParser.parseUpdate("INSERT DATA { GRAPH <http://example/g1> { _:b <http://example/p> [] } GRAPH <http://example/g2> { _:b <http://example/p> (1) } }")
        let p = Term.iri(ex + "p")
        #expect(shared.operations == [.insertData([
            data(.blank("b"), p, .blank("genid1"), in: ex + "g1"),
            data(.blank("genid2"), .iri(rdf + "first"), literal("1", xsd + "integer"), in: ex + "g2"),
            data(.blank("genid2"), .iri(rdf + "rest"), .iri(rdf + "nil"), in: ex + "g2"),
            data(.blank("b"), p, .blank("genid2"), in: ex + "g2"),
        ])])
        // An INSERT template's label is a new node per solution; the WHERE's is a variable. They
        // may share a label, as a CONSTRUCT's template and pattern may.
        let modify = try SPARQLParser.parseUpdate("INSERT { _:a <http://example/p> ?o } WHERE { _:a <http://example/q> ?o }")
        #expect(modify.operations.count == 1)
        // Generated nodes stay unique across the operations of a request.
        let two = try SPARQLParser.parseUpdate("INSERT DATA { [] <http://example/p> 1 } ; INSERT DATA { [] <http://example/p> 2 }")
        #expect(two.operations == [
            .insertData([data(.blank("genid1"), p, literal("1", xsd + "integer"))]),
            .insertData([data(.blank("genid2"), p, literal("2", xsd + "integer"))]),
        ])
    }

    @Test func theWhereOfAnUpdateIsAFullGroupGraphPattern() throws {
        let request = try SPARQLParser.parseUpdate("""
            PREFIX ex: <http://example/>
            DELETE { ?s ex:p ?o } WHERE {
              { SELECT ?s (MAX(?v) AS ?o) { ?s ex:p/ex:q* ?v } GROUP BY ?s }
              OPTIONAL { ?s ex:r ?r } FILTER NOT EXISTS { ?s ex:keep true } VALUES ?s { ex:a }
            }
            """)
        guard case .modify(let modify) = request.operations.first else {
            Issue.record("not a DELETE/INSERT: \(request)")
            return
        }
        #expect(modify.pattern.elements.count == 4)
        if case .group(let sub) = modify.pattern.elements[0], case .subSelect(let select) = sub.elements.first {
            #expect(select.modifiers.groupBy == [GroupCondition(.variable("s"))])
        } else {
            Issue.record("the subquery is missing: \(modify.pattern.elements[0])")
        }
    }
}
