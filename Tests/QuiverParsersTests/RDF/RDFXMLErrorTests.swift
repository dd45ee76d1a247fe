import QuiverCore
@testable import QuiverParsers
import Testing

@Suite("RDF/XML errors")
struct RDFXMLErrorTests {
    typealias T = RDFTest

    /// (body on line 2 after `RDFTest.rdfHead`, line, column, expected-message fragment). The body is
    /// followed by `</rdf:RDF>` unless the case is about an unclosed element.
    static let cases: [(String, Int, Int, String)] = [
        // XML well-formedness.
        (#"<ex:A rdf:about="http://example/a"></ex:B>"#, 2, 38, "'</ex:A>'"),
        (#"<ex:A rdf:about="http://example/a"><un:p>x</un:p></ex:A>"#, 2, 36, "declared namespace prefix"),
        (#"<ex:A rdf:about="http://example/a" ex:p="1" ex:p="2"/>"#, 2, 45, "each attribute once"),
        (#"<ex:A rdf:about="http://example/a" ex:é="x" ex:p="1" ex:p="2"/>"#, 2, 54, "each attribute once"),
        (#"<ex:A rdf:about="http://example/a"><!-- a -- b --></ex:A>"#, 2, 43, "no '--' inside a comment"),
        (#"<ex:A rdf:about="http://example/&nope;"/>"#, 2, 33, "declared entity"),
        (#"<ex:A rdf:about="http://example/a" ex:p="a<b"/>"#, 2, 43, "without '<'"),
        // The RDF/XML grammar.
        (#"<ex:A rdf:about="http://example/a" rdf:nodeID="n"/>"#, 2, 36, "one of rdf:ID, rdf:nodeID and rdf:about"),
        (#"<rdf:li rdf:about="http://example/a"/>"#, 2, 1, "node element"),
        (#"<ex:A rdf:ID="a"/><ex:B rdf:ID="a"/>"#, 2, 25, "each rdf:ID once"),
        (#"<ex:A rdf:about="http://example/a">oops</ex:A>"#, 2, 36, "property element"),
        (#"<ex:A rdf:ID="1a"/>"#, 2, 7, "NCName"),
        (#"<ex:A rdf:about="http://example/a"><ex:p rdf:resource="http://example/b">text</ex:p></ex:A>"#, 2, 36, "no content"),
        (#"<ex:A rdf:about="http://example/a"><ex:p>a<ex:B/></ex:p></ex:A>"#, 2, 43, "either text or a node element"),
        (#"<ex:A rdf:about="http://example/a"><ex:p rdf:parseType="Resource" rdf:resource="http://example/b"/></ex:A>"#, 2, 67, "with rdf:parseType"),
        (#"<ex:A rdf:about="http://example/a" rdf:resource="http://example/b"/>"#, 2, 36, "no rdf:resource on a node element"),
        (#"<ex:A rdf:about="http://example/a"><rdf:Description/></ex:A>"#, 2, 36, "property element"),
        (#"<ex:A rdf:about="http://example/a"><ex:p rdf:datatype="http://example/d"><ex:B/></ex:p></ex:A>"#, 2, 74, "rdf:datatype"),
        (#"<ex:A rdf:aboutEach="http://example/a"/>"#, 2, 7, "other than rdf:aboutEach"),
        (#"<ex:A rdf:about="http://example/a"><ex:p rdf:nodeID="x" rdf:resource="http://example/b"/></ex:A>"#, 2, 57, "not both"),
        (#"<ex:A rdf:about="http://example/a"></ex:A>junk"#, 2, 43, "node element"),
    ]

    @Test(arguments: 0..<cases.count)
    func invalidDocumentReportsPosition(index: Int) {
        let (body, line, column, expected) = Self.cases[index]
        let doc = T.inRDF(body)
        var seen: ParseError?
        for step in [nil, 1, 5] as [Int?] {
            for chunk in [256 * 1024, 16] {
                let error = T.error { try T.rdfxml(doc, step: step, chunkSize: chunk) }
                #expect(error != nil, "case \(index) accepted: \(body)")
                guard let error else { continue }
                #expect(error.line == line && error.column == column, "case \(index) '\(body)': got \(error)")
                #expect(error.expected.contains(expected), "case \(index) '\(body)': got \(error)")
                #expect(error.file == "test.rdf")
                if let seen { #expect(seen == error, "case \(index): same error whatever the chunking") }
                seen = error
            }
        }
    }

    @Test func errorNamesWhatWasFound() {
        let unclosed = T.error { try T.rdfxml(T.rdfHead + #"<ex:A rdf:about="http://example/a"><ex:p>x</ex:p>"#) }
        #expect(unclosed == ParseError(file: "test.rdf", line: 2, column: 50, found: "end of input",
                                       expected: "'</ex:A>' to close the element"))
        let mismatch = T.error { try T.rdfxml(T.inRDF(#"<ex:A rdf:about="http://example/a"></ex:B>"#)) }
        #expect(mismatch?.found == "'</ex:B>'")
        let relative = T.error { try T.rdfxml(T.inRDF(#"<ex:A rdf:about="rel"/>"#), base: nil) }
        #expect(relative == ParseError(file: "test.rdf", line: 2, column: 7, found: "'rel'",
                                       expected: "an absolute IRI (no base IRI is set)"))
    }

    @Test func malformedBytesAndEncodings() {
        var bytes = Array(T.inRDF(#"<ex:A rdf:about="http://example/a" ex:p="ab"/>"#).utf8)
        let quote = bytes.lastIndex(of: UInt8(ascii: "b"))!
        bytes[quote] = 0xFF
        let utf8 = T.error { try T.rdfxml(bytes: bytes) }
        #expect(utf8?.line == 2 && utf8?.column == 43 && utf8?.found == "invalid UTF-8 byte 0xFF", "\(String(describing: utf8))")
        let latin1 = T.error { try T.rdfxml("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" + T.inRDF("")) }
        #expect(latin1?.line == 1 && latin1?.column == 1 && latin1?.expected == "UTF-8 input")
        let control = T.error { try T.rdfxml(T.inRDF(#"<ex:A rdf:about="http://example/a" ex:p="&#1;"/>"#)) }
        #expect(control?.expected == "a reference to an XML character")
        let empty = T.error { try T.rdfxml("") }
        #expect(empty?.found == "end of input")
        let twoRoots = T.error { try T.rdfxml(T.inRDF("") + "<rdf:RDF xmlns:rdf=\"\(T.rdf)\"/>") }
        #expect(twoRoots?.expected == "end of input after the root element")
    }

    @Test func nestingIsCapped() {
        let depth = XMLEventReader.maxDepth + 10
        let open = String(repeating: "<ex:p rdf:parseType=\"Resource\">", count: depth)
        let doc = T.inRDF(#"<rdf:Description rdf:about="http://example/a">"# + open
                          + String(repeating: "</ex:p>", count: depth) + "</rdf:Description>")
        let e = T.error { try T.rdfxml(doc) }
        #expect(e?.expected.contains("nested at most") == true, "\(String(describing: e))")
    }

    @Test func entityExpansionIsCapped() {
        var decls = "<!ENTITY e0 'lolololololololololololololololol'>\n"
        for k in 1...12 { decls += "<!ENTITY e\(k) '" + String(repeating: "&e\(k - 1);", count: 10) + "'>\n" }
        let doc = "<!DOCTYPE rdf:RDF [\n\(decls)]>\n" + T.inRDF(#"<ex:A rdf:about="http://example/a" ex:p="&e12;"/>"#)
        let e = T.error { try T.rdfxml(doc) }
        #expect(e?.expected.contains("entity expansions of at most") == true, "\(String(describing: e))")
    }

    /// Every prefix of a valid document is refused with a `ParseError` (never a crash or a hang),
    /// and so is the document with any one byte replaced by one of a few troublesome ones.
    @Test func truncatedAndMutatedDocumentsNeverCrash() {
        let doc = Array(T.inRDF("""
            <ex:A rdf:about="http://example/a" xml:lang="en" ex:q="v">
              <ex:p rdf:parseType="Literal"><b xmlns="http://h/" c="d">t&amp;</b><!--c--></ex:p>
              <ex:l rdf:parseType="Collection"><ex:B rdf:nodeID="n"/></ex:l>
              <ex:r rdf:parseType="Resource"><rdf:li rdf:ID="i">x</rdf:li></ex:r>
            </ex:A>
            """).utf8)
        #expect(throws: Never.self) { try T.rdfxml(bytes: doc) }
        for n in 0..<doc.count {
            do {
                _ = try T.rdfxml(bytes: Array(doc[0..<n]))
                Issue.record("the first \(n) bytes were accepted")
            } catch is ParseError {
            } catch {
                Issue.record("\(n) bytes: \(error)")
            }
        }
        for k in stride(from: 0, to: doc.count, by: 3) {
            for replacement in Array("<>&\"/:=x ".utf8) + [0x00, 0xC3] {
                var mutated = doc
                mutated[k] = replacement
                do { _ = try T.rdfxml(bytes: mutated) } catch is ParseError {} catch { Issue.record("\(k): \(error)") }
            }
        }
    }
}
