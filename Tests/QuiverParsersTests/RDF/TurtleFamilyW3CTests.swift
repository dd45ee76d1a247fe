import Foundation
import QuiverCore
@testable import QuiverParsers
import QuiverTestSupport
import Testing

/// Runs the W3C test suites of N-Triples, N-Quads, Turtle and TriG (`<suite>/manifest.ttl`): positive
/// syntax tests must parse, negative syntax and negative evaluation tests must be refused with a
/// `ParseError`, evaluation tests must give a graph (Turtle) or dataset (TriG) isomorphic to the
/// expected N-Triples or N-Quads. Every document is also read through a source that hands out one
/// byte at a time (and, for Turtle and TriG, a 16-byte window): the outcome must be the same.
@Suite("W3C N-Triples, N-Quads, Turtle and TriG suites")
struct TurtleFamilyW3CTests {
    typealias T = RDFTest

    /// Tests that cannot pass, by suite and name (`turtle#LITERAL1_all_controls`), with the reason and
    /// a text their failure must contain. A listed test that starts to pass, or fails otherwise,
    /// fails the run, so the list cannot go stale.
    static let expectedFailures: [String: (reason: String, failure: String)] = {
        // Quiver refuses NUL in any term, raw or escaped, with a ParseError at it: a stored term is
        // PostgreSQL text, which cannot hold one (RDFNulByteTests). These documents put U+0000 in a
        // literal to test the range of allowed characters.
        let nul = (reason: "a literal holds U+0000, which Quiver refuses (a stored term cannot hold NUL)", failure: "NUL")
        return [
            "ntriples#literal_all_controls": nul, "ntriples#literal_ascii_boundaries": nul,
            "nquads#literal_all_controls": nul, "nquads#literal_ascii_boundaries": nul,
            "turtle#LITERAL1_all_controls": nul, "turtle#LITERAL1_ascii_boundaries": nul,
            "turtle#LITERAL2_ascii_boundaries": nul, "turtle#LITERAL_LONG1_ascii_boundaries": nul,
            "turtle#LITERAL_LONG2_ascii_boundaries": nul,
            "trig#LITERAL1_all_controls": nul, "trig#LITERAL1_ascii_boundaries": nul,
            "trig#LITERAL2_ascii_boundaries": nul, "trig#LITERAL_LONG1_ascii_boundaries": nul,
            "trig#LITERAL_LONG2_ascii_boundaries": nul,
        ]
    }()

    /// One suite: its folder, the IRI its documents are published under (their base), and how to
    /// read a document of it (the whole file at once, or trickled).
    struct Suite: Sendable {
        var folder: String
        var publishedBase: String
        var read: @Sendable (_ bytes: [UInt8], _ name: String, _ base: String, _ trickle: Bool) throws -> [Quad]
    }

    static func quads<R: QuadReader>(_ reader: inout R) throws -> [Quad] {
        var all: [Quad] = []
        var batch: [Quad] = []
        while try reader.readBatch(into: &batch, maxCount: 1000) {
            all += batch
            batch.removeAll(keepingCapacity: true)
        }
        return all + batch
    }

    static func source(_ bytes: [UInt8], _ trickle: Bool) -> RDFTrickleSource {
        RDFTrickleSource(bytes, step: trickle ? 1 : max(1, bytes.count))
    }

    static let ntriples = Suite(folder: "ntriples", publishedBase: "http://www.w3.org/2013/N-TriplesTests/") { bytes, name, _, trickle in
        var reader = DefaultGraphQuadReader(NTriplesReader(source: source(bytes, trickle), fileName: name))
        return try quads(&reader)
    }

    static let nquads = Suite(folder: "nquads", publishedBase: "http://www.w3.org/2013/N-QuadsTests/") { bytes, name, _, trickle in
        var reader = NQuadsReader(source: source(bytes, trickle), fileName: name)
        return try quads(&reader)
    }

    static let turtle = Suite(folder: "turtle", publishedBase: "http://www.w3.org/2013/TurtleTests/") { bytes, name, base, trickle in
        var reader = DefaultGraphQuadReader(TurtleReader(source: source(bytes, trickle), fileName: name, baseIRI: base,
                                                         chunkSize: trickle ? 16 : 256 * 1024))
        return try quads(&reader)
    }

    static let trig = Suite(folder: "trig", publishedBase: "http://www.w3.org/2013/TriGTests/") { bytes, name, base, trickle in
        var reader = TriGReader(source: source(bytes, trickle), fileName: name, baseIRI: base, chunkSize: trickle ? 16 : 256 * 1024)
        return try quads(&reader)
    }

    /// An expected result: N-Triples (Turtle's) or N-Quads (TriG's).
    static func readResult(_ url: URL) throws -> [Quad] {
        var reader = NQuadsReader(source: try FileByteSource(path: url.path), fileName: url.lastPathComponent)
        return try quads(&reader)
    }

    struct Counts: Equatable, CustomStringConvertible {
        var positiveSyntax = 0, negativeSyntax = 0, evaluation = 0, negativeEvaluation = 0
        var total: Int { positiveSyntax + negativeSyntax + evaluation + negativeEvaluation }
        var description: String {
            "positive syntax \(positiveSyntax), negative syntax \(negativeSyntax), evaluation \(evaluation), negative evaluation \(negativeEvaluation)"
        }
    }

    /// Runs one suite; returns how many tests of each kind its manifest lists (all of which passed,
    /// or the run recorded an issue).
    static func run(_ suite: Suite) throws -> Counts {
        let root = try W3CSuites.root().appendingPathComponent(suite.folder).standardizedFileURL
        let entries = try W3CManifest.entries(at: root.appendingPathComponent("manifest.ttl"))
        var counts = Counts(), passed = 0, expectedFailing = 0
        for entry in entries {
            guard let action = entry.action?.standardizedFileURL else {
                Issue.record("\(entry): no action file")
                continue
            }
            let bytes = Array(try Data(contentsOf: action))
            let name = action.lastPathComponent
            let base = suite.publishedBase + name
            /// Reads the document whole and trickled; the two must agree.
            func read() throws -> [Quad] {
                let whole: Result<[Quad], Error> = Result { try suite.read(bytes, name, base, false) }
                let trickled: Result<[Quad], Error> = Result { try suite.read(bytes, name, base, true) }
                switch (whole, trickled) {
                case (.success(let a), .success(let b)) where a != b:
                    Issue.record("\(entry): read one byte at a time, it gives other statements")
                case (.failure(let a as ParseError), .failure(let b as ParseError)) where a != b:
                    Issue.record("\(entry): read one byte at a time, it fails elsewhere: \(b), not \(a)")
                case (.success, .failure(let e)), (.failure(let e), .success):
                    Issue.record("\(entry): only one of the whole and the trickled reads fails: \(e)")
                default:
                    break
                }
                return try whole.get()
            }
            var outcome: String?  // nil: as the suite says
            switch entry.kind {
            case let kind where kind.hasSuffix("PositiveSyntax"):
                counts.positiveSyntax += 1
                do { _ = try read() } catch { outcome = "refused: \(error)" }
            case let kind where kind.hasSuffix("NegativeSyntax") || kind.hasSuffix("NegativeEval"):
                if kind.hasSuffix("NegativeEval") { counts.negativeEvaluation += 1 } else { counts.negativeSyntax += 1 }
                do {
                    let statements = try read()
                    outcome = "parsed (\(statements.count) statements), but the suite says it must be refused"
                } catch is ParseError {
                } catch {
                    outcome = "refused with an error that is not a ParseError: \(error)"
                }
            case let kind where kind.hasSuffix("Eval"):
                counts.evaluation += 1
                guard let result = entry.result else {
                    Issue.record("\(entry): no result file")
                    continue
                }
                do {
                    let actual = try read()
                    let expected = try Self.readResult(result)
                    if !GraphIsomorphism.isomorphic(actual, expected) {
                        var writer = QuadWriter(format: .nquads)
                        var out: [UInt8] = []
                        for q in actual { try writer.append(q, to: &out) }
                        let got = String(decoding: out, as: UTF8.self).split(separator: "\n").sorted().joined(separator: "\n")
                        outcome = "statements not isomorphic to \(result.lastPathComponent):\n\(got)"
                    }
                } catch {
                    outcome = "refused: \(error)"
                }
            default:
                Issue.record("\(entry): unknown test kind")
                continue
            }
            if outcome == nil { passed += 1 }
            let key = suite.folder + "#" + (entry.iri.split(separator: "#").last.map(String.init) ?? entry.name)
            if let expected = Self.expectedFailures[key] {
                expectedFailing += 1
                if let outcome, !outcome.contains(expected.failure) {
                    Issue.record("\(entry) fails otherwise than expected (\(expected.reason)): \(outcome)")
                } else if outcome == nil {
                    Issue.record("\(entry) now passes: remove it from the expected failures (\(expected.reason))")
                }
            } else if let outcome {
                Issue.record("\(entry): \(outcome)")
            }
        }
        print("\(suite.folder): \(passed)/\(counts.total) passed (\(counts))"
              + (expectedFailing > 0 ? ", \(expectedFailing) expected failures" : ""))
        #expect(passed + expectedFailing == counts.total)
        return counts
    }

    @Test func datasetIsomorphismRenamesBlankNodesEverywhere() {
        let p = Term.iri("http://example/p"), g = Term.iri("http://example/g")
        let a = [Quad(.blank("x"), p, .blank("y"), graph: .blank("y")), Quad(.blank("x"), p, .blank("x"), graph: g),
                 Quad(.blank("y"), p, .blank("x"))]
        let renamed = [Quad(.blank("b"), p, .blank("a")), Quad(.blank("a"), p, .blank("b"), graph: .blank("b")),
                       Quad(.blank("a"), p, .blank("a"), graph: g)]
        #expect(GraphIsomorphism.isomorphic(a, renamed))
        // The same triples in other graphs, or a graph name renamed apart from the node it shares.
        let otherGraphs = [Quad(.blank("x"), p, .blank("y")), Quad(.blank("x"), p, .blank("x"), graph: g),
                           Quad(.blank("y"), p, .blank("x"), graph: .blank("y"))]
        let splitName = [Quad(.blank("x"), p, .blank("y"), graph: .blank("z")), Quad(.blank("x"), p, .blank("x"), graph: g),
                         Quad(.blank("y"), p, .blank("x"))]
        #expect(!GraphIsomorphism.isomorphic(a, otherGraphs))
        #expect(!GraphIsomorphism.isomorphic(a, splitName))
        #expect(!GraphIsomorphism.isomorphic(a, a.map { Quad($0.triple) }))
    }

    @Test func nTriplesSuite() throws {
        let counts = try Self.run(Self.ntriples)
        #expect(counts == Counts(positiveSyntax: 41, negativeSyntax: 27), "the manifest lists other tests than when this was written: \(counts)")
    }

    @Test func nQuadsSuite() throws {
        let counts = try Self.run(Self.nquads)
        #expect(counts == Counts(positiveSyntax: 53, negativeSyntax: 32), "the manifest lists other tests than when this was written: \(counts)")
    }

    @Test func turtleSuite() throws {
        let counts = try Self.run(Self.turtle)
        #expect(counts == Counts(positiveSyntax: 77, negativeSyntax: 78, evaluation: 132, negativeEvaluation: 4),
                "the manifest lists other tests than when this was written: \(counts)")
    }

    @Test func triGSuite() throws {
        let counts = try Self.run(Self.trig)
        #expect(counts == Counts(positiveSyntax: 96, negativeSyntax: 99, evaluation: 136, negativeEvaluation: 4),
                "the manifest lists other tests than when this was written: \(counts)")
    }
}
