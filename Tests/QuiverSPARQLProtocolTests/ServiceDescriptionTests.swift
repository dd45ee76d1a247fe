import QuiverCore
import QuiverParsers
import QuiverSPARQLProtocol
import Testing

struct ServiceDescriptionTests {
    @Test func theDefaultDescriptionInFull() {
        let description = ServiceDescription(endpoint: "http://localhost:7878/sparql", features: [.unionDefaultGraph, .emptyGraphs],
                                             namedGraphs: ["http://ex/g1", "urn:x:g2"])
        #expect(description.turtle() == """
            @prefix sd: <http://www.w3.org/ns/sparql-service-description#> .

            [] a sd:Service ;
                sd:endpoint <http://localhost:7878/sparql> ;
                sd:supportedLanguage sd:SPARQL11Query, sd:SPARQL11Update ;
                sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON>, <http://www.w3.org/ns/formats/SPARQL_Results_XML>, \
            <http://www.w3.org/ns/formats/SPARQL_Results_CSV>, <http://www.w3.org/ns/formats/SPARQL_Results_TSV>, \
            <http://www.w3.org/ns/formats/N-Triples>, <http://www.w3.org/ns/formats/Turtle>, <http://www.w3.org/ns/formats/N-Quads>, \
            <http://www.w3.org/ns/formats/TriG> ;
                sd:inputFormat <http://www.w3.org/ns/formats/N-Triples>, <http://www.w3.org/ns/formats/Turtle>, <http://www.w3.org/ns/formats/RDF_XML> ;
                sd:feature sd:UnionDefaultGraph, sd:EmptyGraphs ;
                sd:defaultDataset [
                    a sd:Dataset ;
                    sd:defaultGraph [ a sd:Graph ] ;
                    sd:namedGraph [ a sd:NamedGraph ; sd:name <http://ex/g1> ] ;
                    sd:namedGraph [ a sd:NamedGraph ; sd:name <urn:x:g2> ]
                ] .

            """)
        #expect(ServiceDescription.contentType == "text/turtle; charset=utf-8")
    }

    @Test func emptyListsLeaveTheirPredicatesOut() {
        let description = ServiceDescription(endpoint: "http://h/sparql", languages: [.query10], resultsFormats: [], graphFormats: [], inputFormats: [])
        #expect(description.turtle() == """
            @prefix sd: <http://www.w3.org/ns/sparql-service-description#> .

            [] a sd:Service ;
                sd:endpoint <http://h/sparql> ;
                sd:supportedLanguage sd:SPARQL10Query ;
                sd:defaultDataset [
                    a sd:Dataset ;
                    sd:defaultGraph [ a sd:Graph ]
                ] .

            """)
    }

    @Test func charactersAnIRICannotHoldArePercentEncoded() {
        let turtle = ServiceDescription(endpoint: "http://h/sparql", namedGraphs: ["http://ex/a b>\"{}|^`\\\u{1}é"]).turtle()
        #expect(turtle.contains(#"sd:name <http://ex/a%20b%3E%22%7B%7D%7C%5E%60%5C%01é> ]"#))
    }

    @Test func quiversTurtleReaderReadsTheDocumentBack() throws {
        let odd = "http://ex/a b>\"{}|^`\\é"
        let description = ServiceDescription(endpoint: "http://localhost:7878/sparql", features: [.unionDefaultGraph, .emptyGraphs],
                                             namedGraphs: ["http://ex/g1", odd])
        var reader = TurtleReader(source: MemoryByteSource(description.turtle()), fileName: "service.ttl")
        var triples: [Triple] = []
        while try reader.readBatch(into: &triples, maxCount: 100) {}
        // The service: a, endpoint, 2 languages, 8 result formats, 3 input formats, 2 features, the dataset;
        // the dataset: a, the default graph and its type, 2 named graphs with a type and a name each.
        #expect(triples.count == 18 + 9)
        let sd = "http://www.w3.org/ns/sparql-service-description#"
        let names = triples.filter { $0.predicate == .iri(sd + "name") }.map(\.object)
        #expect(names == [.iri("http://ex/g1"), .iri("http://ex/a%20b%3E%22%7B%7D%7C%5E%60%5Cé")], "\(odd)")
        #expect(triples.contains { $0.predicate == .iri(sd + "endpoint") && $0.object == .iri("http://localhost:7878/sparql") })
    }
}
