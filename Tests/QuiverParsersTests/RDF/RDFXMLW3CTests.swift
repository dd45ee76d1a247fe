import Foundation
import QuiverCore
@testable import QuiverParsers
import QuiverTestSupport
import Testing

/// Runs the W3C RDF/XML test suite (`rdf-xml/manifest.ttl`): every evaluation test must give a graph
/// isomorphic to its N-Triples result, every negative syntax test must be refused.
@Suite("W3C RDF/XML suite")
struct RDFXMLW3CTests {
    /// Tests that cannot pass, by test IRI, with the reason. A listed test that starts to pass fails
    /// the run, so the list cannot go stale.
    static let expectedFailures: [String: String] = [:]

    /// The suite's documents are published under this IRI; their expected results use it as base.
    static let publishedBase = "http://www.w3.org/2013/RDFXMLTests/"

    static func read(_ url: URL, base: String) throws -> [Triple] {
        var reader = RDFXMLReader(source: try FileByteSource(path: url.path), fileName: url.lastPathComponent, baseIRI: base)
        return try RDFTest.drain(&reader)
    }

    static func readNTriples(_ url: URL) throws -> [Triple] {
        var reader = NTriplesReader(source: try FileByteSource(path: url.path), fileName: url.lastPathComponent)
        return try RDFTest.drain(&reader)
    }

    /// Runs the manifest in `folder` (under the suites' root); returns the counts it printed.
    @discardableResult
    static func run(_ folder: String) throws -> (positive: Int, negative: Int) {
        let root = try W3CSuites.root().appendingPathComponent(folder).standardizedFileURL
        let entries = try W3CManifest.entries(at: root.appendingPathComponent("manifest.ttl"))
        var positive = (passed: 0, total: 0), negative = (passed: 0, total: 0), expectedFailing = 0
        for entry in entries {
            guard let action = entry.action?.standardizedFileURL else {
                Issue.record("\(entry): no action file")
                continue
            }
            let relative = String(action.path.dropFirst(root.path.count + 1))
            let base = Self.publishedBase + relative
            var outcome: String?  // nil: as the suite says
            switch entry.kind {
            case "TestXMLEval":
                positive.total += 1
                guard let result = entry.result else {
                    Issue.record("\(entry): no result file")
                    continue
                }
                do {
                    let actual = try Self.read(action, base: base)
                    let expected = try Self.readNTriples(result)
                    if !GraphIsomorphism.isomorphic(actual, expected) {
                        let got = actual.map(NTriples.format).sorted().joined(separator: "\n")
                        outcome = "a graph not isomorphic to \(result.lastPathComponent):\n\(got)"
                    }
                } catch {
                    outcome = "refused: \(error)"
                }
                if outcome == nil { positive.passed += 1 }
            case "TestXMLNegativeSyntax":
                negative.total += 1
                do {
                    let triples = try Self.read(action, base: base)
                    outcome = "parsed (\(triples.count) triples), but the suite says it must be refused"
                } catch is ParseError {
                } catch {
                    outcome = "refused with an error that is not a ParseError: \(error)"
                }
                if outcome == nil { negative.passed += 1 }
            default:
                Issue.record("\(entry): unknown test kind")
                continue
            }
            if let reason = Self.expectedFailures[entry.iri] {
                expectedFailing += 1
                if outcome == nil { Issue.record("\(entry) now passes: remove it from the expected failures (\(reason))") }
            } else if let outcome {
                Issue.record("\(entry): \(outcome)")
            }
        }
        print("\(folder): evaluation \(positive.passed)/\(positive.total), negative syntax \(negative.passed)/\(negative.total)"
              + (expectedFailing > 0 ? ", \(expectedFailing) expected failures" : ""))
        return (positive.total, negative.total)
    }

    @Test func rdfXMLSuite() throws {
        let (positive, negative) = try Self.run("rdf-xml")
        #expect(positive == 122 && negative == 40, "the manifest lists other tests than the suite had when this was written")
    }

    /// The tests the suite comments out (XML literal details), kept apart by the W3C as non-normative.
    @Test func nonNormativeRDFXMLTests() throws {
        let (positive, negative) = try Self.run("rdf-xml-non-normative")
        #expect(positive + negative == 7)
    }

    @Test func isomorphismTellsGraphsApart() {
        let p = Term.iri("http://example/p"), q = Term.iri("http://example/q")
        let a: [Triple] = [Triple(.blank("x"), p, .blank("y")), Triple(.blank("y"), p, .blank("x")), Triple(.blank("x"), q, .literal("1", datatype: nil, language: nil))]
        let renamed: [Triple] = [Triple(.blank("b"), p, .blank("a")), Triple(.blank("a"), p, .blank("b")), Triple(.blank("a"), q, .literal("1", datatype: nil, language: nil))]
        let different: [Triple] = [Triple(.blank("b"), p, .blank("a")), Triple(.blank("a"), p, .blank("a")), Triple(.blank("a"), q, .literal("1", datatype: nil, language: nil))]
        #expect(GraphIsomorphism.isomorphic(a, renamed))
        #expect(!GraphIsomorphism.isomorphic(a, different))
        #expect(!GraphIsomorphism.isomorphic(a, Array(renamed.dropLast())))
        // Two 2-cycles against one 4-cycle: every node has the same local view.
        let twoCycles = [Triple(.blank("a"), p, .blank("b")), Triple(.blank("b"), p, .blank("a")),
                         Triple(.blank("c"), p, .blank("d")), Triple(.blank("d"), p, .blank("c"))]
        let fourCycle = [Triple(.blank("a"), p, .blank("b")), Triple(.blank("b"), p, .blank("c")),
                         Triple(.blank("c"), p, .blank("d")), Triple(.blank("d"), p, .blank("a"))]
        #expect(!GraphIsomorphism.isomorphic(twoCycles, fourCycle))
        #expect(GraphIsomorphism.isomorphic(fourCycle, fourCycle.reversed()))
    }
}
