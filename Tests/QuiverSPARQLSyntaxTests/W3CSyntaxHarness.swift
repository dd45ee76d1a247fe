import Foundation
import QuiverSPARQLSyntax
import QuiverTestSupport
import Testing

/// Runs the W3C SPARQL query syntax suites through their manifests: positive syntax tests must
/// parse, negative ones must be refused, and the query of every evaluation test must parse.
/// Update tests (a later task) and the entailment regimes are left out.
@Suite("W3C SPARQL syntax suites")
struct W3CSyntaxHarness {
    /// Tests that cannot pass yet, by test IRI, with the reason. A listed test that starts to pass
    /// fails the run, so the list cannot go stale.
    static let expectedFailures: [String: String] = [
        "http://www.w3.org/2001/sw/DataAccess/tests/data-r2/syntax-sparql1/manifest#syntax-lit-08":
            "SPARQL 1.0 test: `123. .` relies on 1.0's DECIMAL, which allowed a trailing dot; in 1.1 (§19.8 [147]) a DECIMAL needs a digit after the dot, so this is INTEGER '.' '.', two dots in a row",
        "http://www.w3.org/2001/sw/DataAccess/tests/data-r2/basic/manifest#term-7":
            "SPARQL 1.0 test: `456. .` relies on 1.0's DECIMAL, which allowed a trailing dot; in 1.1 it is INTEGER '.' '.', two dots in a row",
    ]

    enum Expectation { case parses, isRefused }

    static func expectation(for entry: W3CManifest.Entry) -> Expectation? {
        guard !entry.isExcludedByApproval, !entry.manifest.path.contains("/entailment/") else { return nil }
        switch entry.kind {
        case "PositiveSyntaxTest", "PositiveSyntaxTest11", "QueryEvaluationTest", "CSVResultFormatTest": return .parses
        case "NegativeSyntaxTest", "NegativeSyntaxTest11": return .isRefused
        default: return nil  // update, protocol, service description tests
        }
    }

    /// Runs every query test of the manifest (and its includes) whose kind is in `kinds`.
    static func run(_ manifestPath: String, kinds: Set<String>) throws {
        let root = try W3CSuites.root()
        let entries = try W3CManifest.entries(at: root.appendingPathComponent(manifestPath))
        var total = 0, passed = 0, expectedFailing = 0
        for entry in entries where kinds.contains(entry.kind) {
            guard let expectation = expectation(for: entry) else { continue }
            guard let file = entry.action else {
                Issue.record("\(entry): no query file")
                continue
            }
            total += 1
            let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            var outcome: String?  // nil: as the suite says
            do {
                _ = try SPARQLParser.parseQuery(text, baseIRI: file.absoluteString)
                if expectation == .isRefused { outcome = "parsed, but the suite says it must be refused" }
            } catch {
                if expectation == .parses { outcome = "refused: \(error)" }
            }
            if let reason = expectedFailures[entry.iri] {
                expectedFailing += 1
                if outcome == nil {
                    Issue.record("\(entry) now passes: remove it from the expected failures (\(reason))")
                }
            } else if let outcome {
                Issue.record("\(entry): \(outcome)")
            } else {
                passed += 1
            }
        }
        print("\(manifestPath): \(passed)/\(total) passed\(expectedFailing > 0 ? ", \(expectedFailing) expected failure\(expectedFailing == 1 ? "" : "s")" : "")")
        #expect(total > 0, "no test of \(manifestPath) ran")
    }

    static let syntaxKinds: Set<String> = ["PositiveSyntaxTest", "PositiveSyntaxTest11", "NegativeSyntaxTest", "NegativeSyntaxTest11"]
    static let evaluationKinds: Set<String> = ["QueryEvaluationTest", "CSVResultFormatTest"]

    @Test func sparql10SyntaxTests() throws {
        try Self.run("dawg-data-r2/manifest-syntax.ttl", kinds: Self.syntaxKinds)
    }

    @Test func sparql11QuerySyntaxTests() throws {
        try Self.run("sparql11/syntax-query/manifest.ttl", kinds: Self.syntaxKinds)
    }

    @Test func sparql11FederationSyntaxTests() throws {
        try Self.run("sparql11/syntax-fed/manifest.ttl", kinds: Self.syntaxKinds)
    }

    @Test func sparql10EvaluationQueriesParse() throws {
        try Self.run("dawg-data-r2/manifest-evaluation.ttl", kinds: Self.evaluationKinds)
    }

    @Test func sparql11EvaluationQueriesParse() throws {
        try Self.run("sparql11/manifest-all.ttl", kinds: Self.evaluationKinds)
    }
}
