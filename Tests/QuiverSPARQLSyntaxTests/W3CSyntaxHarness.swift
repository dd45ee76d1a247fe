import Foundation
import QuiverSPARQLSyntax
import QuiverTestSupport
import Testing

/// Runs the W3C SPARQL syntax suites through their manifests: positive syntax tests must parse,
/// negative ones must be refused, and the query or update request of every evaluation test must
/// parse. A test's text is an update request when the test is an update test or its file is a
/// `.ru` (delete-insert lists its update syntax tests as plain `NegativeSyntaxTest11`). The
/// entailment regimes are left out. Each test checks the number of tests it ran, so that a change
/// of the suites is noticed.
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
        case "PositiveSyntaxTest", "PositiveSyntaxTest11", "PositiveUpdateSyntaxTest11",
             "QueryEvaluationTest", "CSVResultFormatTest", "UpdateEvaluationTest":
            return .parses
        case "NegativeSyntaxTest", "NegativeSyntaxTest11", "NegativeUpdateSyntaxTest11":
            return .isRefused
        default:
            return nil  // protocol, service description tests
        }
    }

    /// How many tests ran, and how many gave what the suite says.
    struct Counts: Equatable, CustomStringConvertible {
        var passed: Int
        var total: Int
        var description: String { "\(passed)/\(total)" }
    }

    /// Runs every test of the manifest (and its includes) whose kind is in `kinds` and that
    /// `including` keeps.
    @discardableResult
    static func run(_ manifestPath: String, kinds: Set<String>,
                    including: (W3CManifest.Entry) -> Bool = { _ in true }) throws -> Counts {
        let root = try W3CSuites.root()
        let entries = try W3CManifest.entries(at: root.appendingPathComponent(manifestPath))
        var total = 0, passed = 0, expectedFailing = 0
        for entry in entries where kinds.contains(entry.kind) && including(entry) {
            guard let expectation = expectation(for: entry) else { continue }
            guard let file = entry.action else {
                Issue.record("\(entry): no query or update file")
                continue
            }
            total += 1
            let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            let isUpdate = entry.kind.contains("Update") || file.pathExtension == "ru"
            var outcome: String?  // nil: as the suite says
            do {
                if isUpdate {
                    _ = try SPARQLParser.parseUpdate(text, baseIRI: file.absoluteString)
                } else {
                    _ = try SPARQLParser.parseQuery(text, baseIRI: file.absoluteString)
                }
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
        return Counts(passed: passed, total: total)
    }

    static let syntaxKinds: Set<String> = ["PositiveSyntaxTest", "PositiveSyntaxTest11", "NegativeSyntaxTest", "NegativeSyntaxTest11"]
    static let evaluationKinds: Set<String> = ["QueryEvaluationTest", "CSVResultFormatTest"]
    static let updateSyntaxKinds: Set<String> = ["PositiveUpdateSyntaxTest11", "NegativeUpdateSyntaxTest11"]

    @Test func sparql10SyntaxTests() throws {
        let counts = try Self.run("dawg-data-r2/manifest-syntax.ttl", kinds: Self.syntaxKinds)
        #expect(counts == Counts(passed: 198, total: 199))
    }

    @Test func sparql11QuerySyntaxTests() throws {
        let counts = try Self.run("sparql11/syntax-query/manifest.ttl", kinds: Self.syntaxKinds)
        #expect(counts == Counts(passed: 86, total: 86))
    }

    @Test func sparql11FederationSyntaxTests() throws {
        let counts = try Self.run("sparql11/syntax-fed/manifest.ttl", kinds: Self.syntaxKinds)
        #expect(counts == Counts(passed: 3, total: 3))
    }

    @Test func sparql10EvaluationQueriesParse() throws {
        let counts = try Self.run("dawg-data-r2/manifest-evaluation.ttl", kinds: Self.evaluationKinds)
        #expect(counts == Counts(passed: 238, total: 239))
    }

    @Test func sparql11EvaluationQueriesParse() throws {
        let counts = try Self.run("sparql11/manifest-all.ttl", kinds: Self.evaluationKinds)
        #expect(counts == Counts(passed: 190, total: 190))
    }

    /// 54 tests, of which test_54 (a blank node label in two INSERT DATA operations) is not
    /// classified, so it is left out; Quiver refuses it all the same (see UpdateSyntaxErrorTests).
    @Test func sparql11UpdateSyntaxTests() throws {
        let counts = try Self.run("sparql11/syntax-update-1/manifest.ttl", kinds: Self.updateSyntaxKinds)
        #expect(counts == Counts(passed: 53, total: 53))
    }

    /// One INSERT DATA of 868 triples (138 of them the same `<e> <f> <g>`), written with object and
    /// predicate lists.
    @Test func sparql11UpdateSyntaxTests2() throws {
        let counts = try Self.run("sparql11/syntax-update-2/manifest.ttl", kinds: Self.updateSyntaxKinds)
        #expect(counts == Counts(passed: 1, total: 1))
        let file = try W3CSuites.root().appendingPathComponent("sparql11/syntax-update-2/large-request-01.ru")
        let request = try SPARQLParser.parseUpdate(String(decoding: try Data(contentsOf: file), as: UTF8.self), baseIRI: file.absoluteString)
        guard case .insertData(let quads) = request.operations.first, request.operations.count == 1 else {
            Issue.record("not one INSERT DATA: \(request.operations.count) operations")
            return
        }
        #expect(quads.count == 868)
        #expect(quads.allSatisfy { $0.graph == "http://example.com/data" })
    }

    /// Update syntax tests outside the syntax-update folders: delete-insert's blank nodes in DELETE
    /// templates, typed as plain `NegativeSyntaxTest11` with a `.ru` file.
    @Test func sparql11UpdateSyntaxTestsInOtherFolders() throws {
        let counts = try Self.run("sparql11/manifest-all.ttl", kinds: Self.syntaxKinds.union(Self.updateSyntaxKinds)) { entry in
            let folder = entry.manifest.deletingLastPathComponent().lastPathComponent
            return !folder.hasPrefix("syntax-update-") && (entry.kind.contains("Update") || entry.action?.pathExtension == "ru")
        }
        #expect(counts == Counts(passed: 8, total: 8))
    }

    /// The request of every update evaluation test (add, basic-update, clear, copy, delete,
    /// delete-data, delete-insert, delete-where, drop, move, update-silent) parses.
    @Test func sparql11UpdateEvaluationRequestsParse() throws {
        let counts = try Self.run("sparql11/manifest-all.ttl", kinds: ["UpdateEvaluationTest"])
        #expect(counts == Counts(passed: 90, total: 90))
    }
}
