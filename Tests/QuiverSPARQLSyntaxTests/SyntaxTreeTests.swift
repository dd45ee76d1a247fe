import QuiverCore
import QuiverSPARQLSyntax
import Testing

let ex = "http://example/"
let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
let xsd = "http://www.w3.org/2001/XMLSchema#"

func iri(_ local: String) -> TermPattern { .term(.iri(ex + local)) }
func v(_ name: String) -> TermPattern { .variable(Variable(name)) }
func blank(_ label: String) -> TermPattern { .term(.blank(label)) }
func literal(_ value: String, _ datatype: String) -> Term { .literal(value, datatype: datatype, language: nil) }
func triple(_ s: TermPattern, _ p: TermPattern, _ o: TermPattern) -> TriplesElement { .triple(TriplePattern(s, p, o)) }

/// The triples of the query's WHERE pattern when it is one triples block.
func onlyTriples(_ query: Query) -> [TriplesElement]? {
    guard query.pattern.elements.count == 1, case .triples(let triples) = query.pattern.elements[0] else { return nil }
    return triples
}

@Suite("SPARQL syntax trees")
struct SyntaxTreeTests {
    @Test func aGroupedSelectQueryAsAWholeTree() throws {
        let query = try SPARQLParser.parseQuery("""
            PREFIX ex: <http://example/>
            SELECT DISTINCT ?g (COUNT(DISTINCT ?x) AS ?n) (GROUP_CONCAT(?name; SEPARATOR=", ") AS ?names)
            FROM ex:g1 FROM NAMED ex:g2
            WHERE {
              ?x ex:group ?g ; ex:name ?name .
              OPTIONAL { ?x ex:age ?age FILTER(?age >= 18) }
            }
            GROUP BY ?g HAVING (COUNT(*) > 1) ORDER BY DESC(?n) ?g LIMIT 10 OFFSET 5
            """)
        let expected = Query(
            prologue: [.prefix("ex", namespace: ex)],
            form: .select(SelectClause(modifier: .distinct, projection: .items([
                .variable("g"),
                .expression(.aggregate(Aggregate(.count, distinct: true, .variable("x"))), as: "n"),
                .expression(.aggregate(Aggregate(.groupConcat(separator: ", "), .variable("name"))), as: "names"),
            ]))),
            dataset: [DatasetClause(iri: ex + "g1", isNamed: false), DatasetClause(iri: ex + "g2", isNamed: true)],
            pattern: GroupGraphPattern([
                .triples([triple(v("x"), iri("group"), v("g")), triple(v("x"), iri("name"), v("name"))]),
                .optional(GroupGraphPattern([
                    .triples([triple(v("x"), iri("age"), v("age"))]),
                    .filter(.binary(.greaterOrEqual, .variable("age"), .term(literal("18", xsd + "integer")))),
                ])),
            ]),
            modifiers: SolutionModifiers(
                groupBy: [GroupCondition(.variable("g"))],
                having: [.binary(.greater, .aggregate(Aggregate(.count, nil)), .term(literal("1", xsd + "integer")))],
                orderBy: [OrderCondition(.variable("n"), descending: true), OrderCondition(.variable("g"))],
                limit: 10, offset: 5))
        #expect(query == expected)
    }

    @Test func constructWhereAskAndDescribe() throws {
        let construct = try SPARQLParser.parseQuery("PREFIX ex: <http://example/> CONSTRUCT WHERE { ?s ex:p ?o }")
        let pattern = TriplePattern(v("s"), iri("p"), v("o"))
        #expect(construct.form == .construct([pattern]))
        #expect(construct.pattern == GroupGraphPattern([.triples([.triple(pattern)])]))

        let template = try SPARQLParser.parseQuery("CONSTRUCT { ?s <http://example/q> _:b } WHERE { ?s ?p ?o }")
        #expect(template.form == .construct([TriplePattern(v("s"), iri("q"), blank("b"))]))

        let ask = try SPARQLParser.parseQuery("ASK { <http://example/a> ?p ?o } VALUES ?p { <http://example/p> UNDEF }")
        #expect(ask.form == .ask)
        #expect(ask.values == InlineData(variables: ["p"], rows: [[.iri(ex + "p")], [nil]]))

        let describe = try SPARQLParser.parseQuery("DESCRIBE ?x <http://example/a>")
        #expect(describe.form == .describe(.resources([.variable("x"), .iri(ex + "a")])))
        #expect(describe.pattern == GroupGraphPattern())
        #expect(try SPARQLParser.parseQuery("DESCRIBE * WHERE { ?s ?p ?o }").form == .describe(.all))
    }

    @Test func prefixedNamesAndRelativeIRIsResolveAgainstTheBase() throws {
        let query = try SPARQLParser.parseQuery("""
            BASE <http://example/dir/>
            PREFIX e: <ns#>
            PREFIX : <http://other/>
            SELECT * { <a> e:p :o . <../up> <#frag> e: . <x> <http://abs/../kept> e:with\\.dot%20 }
            """, baseIRI: "http://ignored/")
        #expect(query.prologue == [.base(ex + "dir/"), .prefix("e", namespace: ex + "dir/ns#"), .prefix("", namespace: "http://other/")])
        #expect(onlyTriples(query) == [
            triple(iri("dir/a"), iri("dir/ns#p"), .term(.iri("http://other/o"))),
            triple(iri("up"), iri("dir/#frag"), iri("dir/ns#")),
            triple(iri("dir/x"), .term(.iri("http://abs/../kept")), iri("dir/ns#with.dot%20")),
        ])
        let relative = try SPARQLParser.parseQuery("SELECT * { <a> ?p ?o }", baseIRI: "http://example/doc.rq")
        #expect(onlyTriples(relative) == [triple(iri("a"), v("p"), v("o"))])
    }

    @Test func numericAndBooleanLiteralsAreTypedAsTheGrammarSays() throws {
        let query = try SPARQLParser.parseQuery("""
            PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
            SELECT * { VALUES ?x { 1 -2 +3 1.5 -.5 1e3 -1.5E-2 1.e1 true FALSE "s"^^xsd:string "chat"@fr-BE "d"^^xsd:date } ?s ?p 7. }
            """)
        let values: [Term?] = [
            literal("1", xsd + "integer"), literal("-2", xsd + "integer"), literal("+3", xsd + "integer"),
            literal("1.5", xsd + "decimal"), literal("-.5", xsd + "decimal"), literal("1e3", xsd + "double"),
            literal("-1.5E-2", xsd + "double"), literal("1.e1", xsd + "double"),
            literal("true", xsd + "boolean"), literal("false", xsd + "boolean"),
            .literal("s", datatype: nil, language: nil), .literal("chat", datatype: nil, language: "fr-BE"),
            literal("d", xsd + "date"),
        ]
        #expect(query.pattern.elements == [
            .values(InlineData(variables: ["x"], rows: values.map { [$0] })),
            // `7.` is the integer 7 and the '.' that ends the triple.
            .triples([triple(v("s"), v("p"), .term(literal("7", xsd + "integer")))]),
        ])
    }

    @Test func signedNumbersInExpressions() throws {
        let query = try SPARQLParser.parseQuery("SELECT * { FILTER(?x = -1 && ?y -1 < - ?z && ?w + +2.0 > 0) }")
        let one = Expression.term(literal("1", xsd + "integer"))
        #expect(query.pattern.elements == [.filter(
            .binary(.and,
                .binary(.and,
                    .binary(.equal, .variable("x"), .term(literal("-1", xsd + "integer"))),
                    .binary(.less, .binary(.subtract, .variable("y"), one), .unary(.minus, .variable("z")))),
                .binary(.greater, .binary(.add, .variable("w"), .term(literal("+2.0", xsd + "decimal"))), .term(literal("0", xsd + "integer")))))])
    }

    @Test func collectionsAndBlankNodePropertyListsExpand() throws {
        let query = try SPARQLParser.parseQuery("""
            PREFIX ex: <http://example/>
            SELECT * { ?s ex:p (1 [ ex:q ?o ]) . [ ex:r _:genid9 ] ex:u () , [] }
            """)
        let first = TermPattern.term(.iri(rdf + "first")), rest = TermPattern.term(.iri(rdf + "rest")), nil_ = TermPattern.term(.iri(rdf + "nil"))
        #expect(onlyTriples(query) == [
            triple(blank("genid1"), iri("q"), v("o")),
            triple(blank("genid2"), first, .term(literal("1", xsd + "integer"))),
            triple(blank("genid2"), rest, blank("genid3")),
            triple(blank("genid3"), first, blank("genid1")),
            triple(blank("genid3"), rest, nil_),
            triple(v("s"), iri("p"), blank("genid2")),
            // A written label that looks like a generated one is renamed, as TurtleReader does.
            triple(blank("genid4"), iri("r"), blank("genidxgenid9")),
            triple(blank("genid4"), iri("u"), nil_),
            triple(blank("genid4"), iri("u"), blank("genid5")),
        ])
    }

    @Test func propertyPathPrecedence() throws {
        let query = try SPARQLParser.parseQuery("""
            PREFIX ex: <http://example/>
            SELECT * { ?s ^ex:a/ex:b* | !(ex:c|^a)/(ex:d|ex:e)+ ?o . ?s a ?t . ?s !ex:f? ?u . ?s ex:g ?v }
            """)
        let path = PropertyPath.alternative(
            .sequence(.inverse(.iri(ex + "a")), .zeroOrMore(.iri(ex + "b"))),
            .sequence(.negatedSet([.forward(ex + "c"), .inverse(rdf + "type")]), .oneOrMore(.alternative(.iri(ex + "d"), .iri(ex + "e")))))
        #expect(onlyTriples(query) == [
            .path(PathPattern(v("s"), path, v("o"))),
            triple(v("s"), .term(.iri(rdf + "type")), v("t")),
            .path(PathPattern(v("s"), .zeroOrOne(.negatedSet([.forward(ex + "f")])), v("u"))),
            triple(v("s"), iri("g"), v("v")),
        ])
    }

    @Test func keywordsAreCaseInsensitiveExceptA() throws {
        let lower = try SPARQLParser.parseQuery(
            "prefix ex: <http://example/> sElEcT dIsTiNcT ?s wHeRe { ?s a ex:C . oPtIoNaL { ?s ex:p ?o } fIlTeR(iSiRi(?s) && bound(?o) && ?o nOt In (1)) } OrDeR bY aSc(?s) LiMiT 1")
        let upper = try SPARQLParser.parseQuery(
            "PREFIX ex: <http://example/> SELECT DISTINCT ?s WHERE { ?s a ex:C . OPTIONAL { ?s ex:p ?o } FILTER(ISIRI(?s) && BOUND(?o) && ?o NOT IN (1)) } ORDER BY ASC(?s) LIMIT 1")
        #expect(lower == upper)
        #expect(throws: SPARQLSyntaxError.self) { try SPARQLParser.parseQuery("SELECT * { ?s A ?o }") }
    }

    @Test func builtInsFunctionCallsAndSubqueries() throws {
        let query = try SPARQLParser.parseQuery("""
            PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
            SELECT ?s (xsd:integer(?o) AS ?i) (<http://example/f>(?o, 2) AS ?f) {
              { SELECT ?s (MAX(?x) AS ?o) { ?s ?p ?x } GROUP BY ?s }
              MINUS { ?s ?p ?o FILTER NOT EXISTS { ?s ?q ?o } }
              BIND(REPLACE(STR(?s), "a", "b", "i") AS ?r)
              SERVICE SILENT <http://example/sparql> { ?s ?p ?o }
              GRAPH ?g { FILTER(uri("x") = URI("y") && isURI(?s) && SUBSTR(?r, 1) != "" && COALESCE() && CONCAT()) }
            }
            """)
        guard case .select(let clause) = query.form else { Issue.record("not a SELECT"); return }
        #expect(clause.projection == .items([
            .variable("s"),
            .expression(.function(iri: xsd + "integer", arguments: [.variable("o")], distinct: false), as: "i"),
            .expression(.function(iri: ex + "f", arguments: [.variable("o"), .term(literal("2", xsd + "integer"))], distinct: false), as: "f"),
        ]))
        #expect(query.pattern.elements.count == 5)
        #expect(query.pattern.elements[0] == .group(GroupGraphPattern([.subSelect(SubSelect(
            select: SelectClause(projection: .items([.variable("s"), .expression(.aggregate(Aggregate(.max, .variable("x"))), as: "o")])),
            pattern: GroupGraphPattern([.triples([triple(v("s"), v("p"), v("x"))])]),
            modifiers: SolutionModifiers(groupBy: [GroupCondition(.variable("s"))])))])))
        #expect(query.pattern.elements[2] == .bind(.builtIn(.replace, [
            .builtIn(.str, [.variable("s")]), .term(.literal("a", datatype: nil, language: nil)),
            .term(.literal("b", datatype: nil, language: nil)), .term(.literal("i", datatype: nil, language: nil)),
        ]), as: "r"))
        #expect(query.pattern.elements[3] == .service(.iri(ex + "sparql"), GroupGraphPattern([.triples([triple(v("s"), v("p"), v("o"))])]), silent: true))
        guard case .graph(.variable("g"), let graph) = query.pattern.elements[4], case .filter(let filter) = graph.elements.first else {
            Issue.record("GRAPH ?g { FILTER … } expected"); return
        }
        let str = { (s: String) in Expression.term(.literal(s, datatype: nil, language: nil)) }
        #expect(filter == .binary(.and, .binary(.and, .binary(.and, .binary(.and,
            .binary(.equal, .builtIn(.iri, [str("x")]), .builtIn(.iri, [str("y")])),
            .builtIn(.isIRI, [.variable("s")])),
            .binary(.notEqual, .builtIn(.substr, [.variable("r"), .term(literal("1", xsd + "integer"))]), str(""))),
            .builtIn(.coalesce, [])), .builtIn(.concat, [])))
    }

    @Test func stringEscapesAndUnicodeEscapesInTheText() throws {
        let query = try SPARQLParser.parseQuery(#"SELECT * { ?s ?p "a\tb\"c\\u0041" , '''x''y''' , "\u00E9\U0001F600" , <http://example/\u00e9> }"#)
        let objects = onlyTriples(query)?.compactMap { if case .triple(let t) = $0 { t.object } else { nil } }
        #expect(objects == [
            .term(.literal("a\tb\"c\\u0041", datatype: nil, language: nil)),
            .term(.literal("x''y", datatype: nil, language: nil)),
            .term(.literal("é😀", datatype: nil, language: nil)),
            .term(.iri(ex + "é")),
        ])
    }

    @Test func inScopeVariablesFollowTheSpecification() throws {
        let query = try SPARQLParser.parseQuery("""
            SELECT * { ?a ?b ?c OPTIONAL { ?d ?e ?f } MINUS { ?m ?n ?o } FILTER(?z) BIND(1 AS ?bound)
                       { SELECT ?inner { ?inner ?hidden ?x } } GRAPH ?g { } VALUES ?val { 1 } }
            """)
        #expect(query.pattern.inScopeVariables == ["a", "b", "c", "d", "e", "f", "bound", "inner", "g", "val"])
    }
}
