import QuiverCore
@testable import QuiverParsers
import Testing

extension RDFTest {
    static let rdfHead = "<rdf:RDF xmlns:rdf=\"\(rdf)\" xmlns:ex=\"http://example/\">\n"

    /// Parses RDF/XML through a source that returns `step` bytes per read (all at once when nil).
    static func rdfxml(_ text: String, base: String? = "http://example/base/doc.rdf", step: Int? = nil,
                       chunkSize: Int = 256 * 1024, batchSize: Int = 1000) throws -> [Triple] {
        try rdfxml(bytes: Array(text.utf8), base: base, step: step, chunkSize: chunkSize, batchSize: batchSize)
    }

    static func rdfxml(bytes: [UInt8], base: String? = "http://example/base/doc.rdf", step: Int? = nil,
                       chunkSize: Int = 256 * 1024, batchSize: Int = 1000) throws -> [Triple] {
        var reader = RDFXMLReader(source: RDFTrickleSource(bytes, step: step ?? max(1, bytes.count)),
                                  fileName: "test.rdf", baseIRI: base, chunkSize: chunkSize)
        return try drain(&reader, batchSize: batchSize)
    }

    /// `rdfHead`, `body`, and the closing `</rdf:RDF>`.
    static func inRDF(_ body: String) -> String { rdfHead + body + "\n</rdf:RDF>" }
}

@Suite("RDF/XML reader")
struct RDFXMLReaderTests {
    typealias T = RDFTest
    static let type = T.iri(T.rdf + "type")
    static let first = T.iri(T.rdf + "first")
    static let rest = T.iri(T.rdf + "rest")
    static let nil_ = T.iri(T.rdf + "nil")
    static let xmlLiteral = T.rdf + "XMLLiteral"

    @Test func nodeElementsAndPropertyAttributes() throws {
        let doc = T.inRDF("""
            <ex:Person rdf:about="http://example/bo" ex:name="Bo" rdf:type="http://example/Agent">
              <ex:knows rdf:resource="al"/>
              <ex:knows><rdf:Description rdf:nodeID="n1" ex:name="Cy"/></ex:knows>
              <ex:age rdf:datatype="http://www.w3.org/2001/XMLSchema#integer">42</ex:age>
              <ex:nick rdf:datatype="http://www.w3.org/2001/XMLSchema#string">b</ex:nick>
            </ex:Person>
            <rdf:Description rdf:ID="x"><ex:p/></rdf:Description>
            """)
        T.expectSame(try T.rdfxml(doc), [
            Triple(T.ex("bo"), Self.type, T.ex("Person")),
            Triple(T.ex("bo"), T.ex("name"), T.lit("Bo")),
            Triple(T.ex("bo"), Self.type, T.ex("Agent")),
            Triple(T.ex("bo"), T.ex("knows"), T.ex("base/al")),
            Triple(T.ex("bo"), T.ex("knows"), T.blank("n1")),
            Triple(T.blank("n1"), T.ex("name"), T.lit("Cy")),
            Triple(T.ex("bo"), T.ex("age"), T.typed("42", "integer")),
            Triple(T.ex("bo"), T.ex("nick"), T.lit("b")),
            Triple(T.ex("base/doc.rdf#x"), T.ex("p"), T.lit("")),
        ])
    }

    @Test func rdfRootIsOptionalAndBlankNodesFollowTheLabellingRules() throws {
        let doc = """
            <ex:A xmlns:ex="http://example/" xmlns:rdf="\(T.rdf)" rdf:nodeID="genid7">
              <ex:p><ex:B/></ex:p>
              <ex:q rdf:nodeID="x" ex:r="1"/>
              <ex:s ex:r="2"/>
            </ex:A>
            """
        T.expectSame(try T.rdfxml(doc), [
            Triple(T.blank("genidxgenid7"), Self.type, T.ex("A")),
            Triple(T.blank("genidxgenid7"), T.ex("p"), T.blank("genid1")),
            Triple(T.blank("genid1"), Self.type, T.ex("B")),
            Triple(T.blank("genidxgenid7"), T.ex("q"), T.blank("x")),
            Triple(T.blank("x"), T.ex("r"), T.lit("1")),
            Triple(T.blank("genidxgenid7"), T.ex("s"), T.blank("genid2")),
            Triple(T.blank("genid2"), T.ex("r"), T.lit("2")),
        ])
    }

    @Test func languageIsInheritedAndCanBeRemoved() throws {
        let doc = T.rdfHead.replacingOccurrences(of: ">\n", with: " xml:lang=\"en\">\n") + """
            <rdf:Description rdf:about="http://example/a" ex:title="Hi">
              <ex:p>hello</ex:p>
              <ex:p xml:lang="fr">bonjour</ex:p>
              <ex:p xml:lang="">plain</ex:p>
              <ex:p rdf:datatype="http://example/dt">typed</ex:p>
              <ex:q><rdf:Description rdf:about="http://example/b" xml:lang="de" ex:title="Hallo"><ex:r>ja</ex:r></rdf:Description></ex:q>
              <ex:s xml:lang="it" ex:t="ciao"/>
              <ex:u/>
            </rdf:Description>
            </rdf:RDF>
            """
        T.expectSame(try T.rdfxml(doc), [
            Triple(T.ex("a"), T.ex("title"), T.lit("Hi", lang: "en")),
            Triple(T.ex("a"), T.ex("p"), T.lit("hello", lang: "en")),
            Triple(T.ex("a"), T.ex("p"), T.lit("bonjour", lang: "fr")),
            Triple(T.ex("a"), T.ex("p"), T.lit("plain")),
            Triple(T.ex("a"), T.ex("p"), T.lit("typed", "http://example/dt")),
            Triple(T.ex("a"), T.ex("q"), T.ex("b")),
            Triple(T.ex("b"), T.ex("title"), T.lit("Hallo", lang: "de")),
            Triple(T.ex("b"), T.ex("r"), T.lit("ja", lang: "de")),
            Triple(T.ex("a"), T.ex("s"), T.blank("genid1")),
            Triple(T.blank("genid1"), T.ex("t"), T.lit("ciao", lang: "it")),
            Triple(T.ex("a"), T.ex("u"), T.lit("", lang: "en")),
        ])
    }

    @Test func baseIsInheritedAndResolvedAgainstTheOuterBase() throws {
        let doc = T.inRDF("""
            <rdf:Description xml:base="http://other/dir/file#frag" rdf:about="">
              <ex:p rdf:resource="#f"/>
              <ex:q xml:base="sub/" rdf:resource="../up"/>
              <ex:r><rdf:Description xml:base="/root/x" rdf:ID="id"/></ex:r>
            </rdf:Description>
            <rdf:Description rdf:about="rel"/>
            """)
        T.expectSame(try T.rdfxml(doc), [
            Triple(T.iri("http://other/dir/file"), T.ex("p"), T.iri("http://other/dir/file#f")),
            Triple(T.iri("http://other/dir/file"), T.ex("q"), T.iri("http://other/dir/up")),
            Triple(T.iri("http://other/dir/file"), T.ex("r"), T.iri("http://other/root/x#id")),
        ])
        // The last description has no properties, so no triples; its IRI resolves against the
        // document base, which a missing base turns into an error.
        let e = T.error { try T.rdfxml(doc, base: nil) }
        #expect(e?.line == 7 && e?.column == 18, "\(String(describing: e))")
    }

    @Test func parseTypeResourceAndCollection() throws {
        let doc = T.inRDF("""
            <rdf:Description rdf:about="http://example/a">
              <ex:p rdf:parseType="Resource"><ex:q>1</ex:q><rdf:li>x</rdf:li></ex:p>
              <ex:list rdf:parseType="Collection">
                <rdf:Description rdf:about="http://example/i1"/>
                <ex:Item rdf:nodeID="i2"/>
              </ex:list>
              <ex:none rdf:parseType="Collection"></ex:none>
            </rdf:Description>
            """)
        T.expectSame(try T.rdfxml(doc), [
            Triple(T.ex("a"), T.ex("p"), T.blank("genid1")),
            Triple(T.blank("genid1"), T.ex("q"), T.lit("1")),
            Triple(T.blank("genid1"), T.iri(T.rdf + "_1"), T.lit("x")),
            Triple(T.ex("a"), T.ex("list"), T.blank("genid2")),
            Triple(T.blank("genid2"), Self.first, T.ex("i1")),
            Triple(T.blank("genid2"), Self.rest, T.blank("genid3")),
            Triple(T.blank("genid3"), Self.first, T.blank("i2")),
            Triple(T.blank("i2"), Self.type, T.ex("Item")),
            Triple(T.blank("genid3"), Self.rest, Self.nil_),
            Triple(T.ex("a"), T.ex("none"), Self.nil_),
        ])
    }

    @Test func parseTypeLiteralIsExclusiveCanonicalXML() throws {
        let doc = T.rdfHead.replacingOccurrences(of: ">\n", with: " xmlns=\"http://default/\" xmlns:h=\"http://h/\">\n") + """
            <rdf:Description rdf:about="http://example/a">
              <ex:p rdf:parseType="Literal" xml:lang="en"><h:b z="1" h:a="&lt;&quot;" a="x&#10;y"/> a &amp; b &gt; <!--c--><i xml:lang="fr"><?pi data?></i><h:c xmlns:h="http://h2/"/></ex:p>
              <ex:q rdf:parseType="Other"><j xmlns=""/></ex:q>
            </rdf:Description>
            </rdf:RDF>
            """
        let literal = #"<h:b xmlns:h="http://h/" a="x&#xA;y" z="1" h:a="&lt;&quot;"></h:b> a &amp; b &gt; <!--c-->"#
            + #"<i xmlns="http://default/" xml:lang="fr"><?pi data?></i><h:c xmlns:h="http://h2/"></h:c>"#
        T.expectSame(try T.rdfxml(doc), [
            Triple(T.ex("a"), T.ex("p"), T.lit(literal, Self.xmlLiteral)),
            Triple(T.ex("a"), T.ex("q"), T.lit("<j></j>", Self.xmlLiteral)),
        ])
    }

    @Test func listItemsAreNumberedPerNode() throws {
        let doc = T.inRDF("""
            <rdf:Seq rdf:about="http://example/s">
              <rdf:li>a</rdf:li>
              <rdf:li><rdf:Bag rdf:about="http://example/b"><rdf:li>inner</rdf:li></rdf:Bag></rdf:li>
              <rdf:_7>seven</rdf:_7>
              <rdf:li rdf:resource="http://example/c"/>
            </rdf:Seq>
            """)
        T.expectSame(try T.rdfxml(doc), [
            Triple(T.ex("s"), Self.type, T.iri(T.rdf + "Seq")),
            Triple(T.ex("s"), T.iri(T.rdf + "_1"), T.lit("a")),
            Triple(T.ex("s"), T.iri(T.rdf + "_2"), T.ex("b")),
            Triple(T.ex("b"), Self.type, T.iri(T.rdf + "Bag")),
            Triple(T.ex("b"), T.iri(T.rdf + "_1"), T.lit("inner")),
            Triple(T.ex("s"), T.iri(T.rdf + "_7"), T.lit("seven")),
            Triple(T.ex("s"), T.iri(T.rdf + "_3"), T.ex("c")),
        ])
    }

    @Test func rdfIDOnAPropertyReifiesTheStatement() throws {
        let doc = T.inRDF(#"<rdf:Description rdf:about="http://example/a"><ex:p rdf:ID="st">v</ex:p></rdf:Description>"#)
        let statement = T.ex("base/doc.rdf#st")
        T.expectSame(try T.rdfxml(doc), [
            Triple(T.ex("a"), T.ex("p"), T.lit("v")),
            Triple(statement, Self.type, T.iri(T.rdf + "Statement")),
            Triple(statement, T.iri(T.rdf + "subject"), T.ex("a")),
            Triple(statement, T.iri(T.rdf + "predicate"), T.ex("p")),
            Triple(statement, T.iri(T.rdf + "object"), T.lit("v")),
        ])
    }

    @Test func xmlSyntaxDetails() throws {
        let doc = "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<!-- lead -->\n"
            + "<!DOCTYPE rdf:RDF [\n  <!ENTITY ex 'http://example/'>\n  <!ENTITY ex2 \"&ex;two/\">\n  <!ELEMENT rdf:RDF ANY>\n]>\n"
            + T.inRDF("""
            <rdf:Description rdf:about="&ex2;a"><ex:p><![CDATA[<not> & markup]]> &#x263A;&#65;\r\nz</ex:p>
            <ex:q xmlns:ex="http://example/shadow/">s</ex:q><?ignored pi?></rdf:Description>
            """) + "\n<!-- trail -->\n"
        T.expectSame(try T.rdfxml(doc), [
            Triple(T.ex("two/a"), T.ex("p"), T.lit("<not> & markup \u{263A}A\nz")),
            Triple(T.ex("two/a"), T.ex("shadow/q"), T.lit("s")),
        ])
    }

    /// Every feature at once, read whole and in every combination of tiny reads, chunks and batches.
    @Test func smallBatchesAndChunksGiveTheSameTriples() throws {
        let doc = T.inRDF("""
            <ex:A rdf:about="http://example/a" ex:attr="é€𝄞" xml:lang="en">
              <ex:p rdf:parseType="Resource"><ex:q rdf:ID="r1">deep</ex:q></ex:p>
              <ex:l rdf:parseType="Collection"><ex:B/><ex:C rdf:about="c"/></ex:l>
              <ex:x rdf:parseType="Literal"><b xmlns="http://h/">bold &amp; more</b></ex:x>
              <rdf:li>one</rdf:li><rdf:li>two</rdf:li>
              <ex:t rdf:datatype="http://example/dt">  spaced  </ex:t>
            </ex:A>
            """)
        let whole = try T.rdfxml(doc)
        #expect(whole.count == 19)
        for step in [1, 3, 64] {
            for chunk in [16, 256 * 1024] {
                for batch in [1, 2, 5, 1000] {
                    T.expectSame(try T.rdfxml(doc, step: step, chunkSize: chunk, batchSize: batch), whole)
                }
            }
        }
    }

    @Test func formatRegistration() throws {
        #expect(InputFormat(name: "rdfxml") == .rdfxml)
        #expect(InputFormat(name: "OWL") == .rdfxml)
        #expect(InputFormat(name: "rdf") == .rdfxml)
        #expect(InputFormat(name: "xml") == .rdfxml)
        #expect(InputFormat.detect(fileName: "onto.owl") == .rdfxml)
        #expect(InputFormat.detect(fileName: "Data.RDF.gz") == .rdfxml)
        #expect(InputFormat.detect(fileName: "dump.xml") == .rdfxml)
        let doc = T.inRDF(#"<rdf:Description rdf:about="x" ex:p="1"/>"#)
        var reader = makeTripleReader(format: .rdfxml, source: MemoryByteSource(doc), fileName: "m.rdf",
                                      baseIRI: "http://example/")
        var batch: [Triple] = []
        #expect(try reader.readBatch(into: &batch, maxCount: 10))
        #expect(batch == [Triple(T.ex("x"), T.ex("p"), T.lit("1"))])
        #expect(try !reader.readBatch(into: &batch, maxCount: 10))
    }
}
