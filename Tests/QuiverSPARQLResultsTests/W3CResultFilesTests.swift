// QuiverSPARQLResults: the SPARQL 1.1 Query Results formats (JSON, XML, CSV, TSV), written as
// rows come and read back. Pure values and functions over terms: no graph, no store.
import Foundation
import QuiverCore
import QuiverSPARQLResults
import QuiverTestSupport
import Testing

/// The result-format tests read the W3C suites' expected results (.srx, .srj, .csv, .tsv).
@Test func theW3CResultFilesArePresent() throws {
    let root = try W3CSuites.root()
    let files = FileManager.default.enumerator(atPath: root.appendingPathComponent("sparql11").path)?.compactMap { $0 as? String } ?? []
    for ext in ["srx", "srj", "csv", "tsv"] {
        #expect(files.contains { $0.hasSuffix("." + ext) }, "no .\(ext) file")
    }
}

/// Every `.srx` and `.srj` file of the two SPARQL suites, relative to the suites' root.
func w3cResultSetFiles() throws -> [String] {
    let root = try W3CSuites.root()
    var paths: [String] = []
    for suite in ["sparql11", "dawg-data-r2"] {
        let files = FileManager.default.enumerator(atPath: root.appendingPathComponent(suite).path)?.compactMap { $0 as? String } ?? []
        paths += files.filter { $0.hasSuffix(".srx") || $0.hasSuffix(".srj") }.map { suite + "/" + $0 }
    }
    return paths.sorted()
}

func readW3CFile(_ relativePath: String) throws -> [UInt8] {
    Array(try Data(contentsOf: W3CSuites.root().appendingPathComponent(relativePath)))
}

@Test func everyW3CResultSetFileReadsAndSurvivesEveryFormat() throws {
    let paths = try w3cResultSetFiles()
    // The suites hold 365 .srx and 4 .srj files (rdflib's distribution of them); a much smaller
    // count means the walk missed a folder.
    #expect(paths.count >= 360)
    var solutionFiles = 0, booleanFiles = 0, blankNodeFiles = 0
    for path in paths {
        let format: ResultsFormat = path.hasSuffix(".srj") ? .json : .xml
        let results: QueryResults
        do {
            results = try ResultsReader.read(try readW3CFile(path), as: format)
        } catch {
            Issue.record("\(path): \(error)")
            continue
        }
        switch results {
        case .boolean: booleanFiles += 1
        case .solutions(let s):
            solutionFiles += 1
            if s.rows.joined().contains(where: { if case .blank? = $0 { true } else { false } }) { blankNodeFiles += 1 }
        }
        for target in ResultsFormat.allCases {
            if case .boolean = results, target == .csv || target == .tsv {
                #expect(throws: ResultsWriteError.booleanInTabularFormat(target)) { try ResultsWriter.serialize(results, as: target) }
                continue
            }
            do {
                let written = try ResultsWriter.serialize(results, as: target)
                let back = try ResultsReader.read(written, as: target)
                // Writers keep the rows' order, so the round trip holds even with order respected.
                let expected = target == .csv ? ResultsEquivalence.csvForm(results) : results
                #expect(ResultsEquivalence.areEquivalent(back, expected, ordered: true), "\(path) through \(target)")
                if target != .csv { #expect(back == results, "\(path) through \(target): not the very same terms") }
            } catch {
                Issue.record("\(path) through \(target): \(error)")
            }
        }
    }
    // Both kinds of answer, and blank nodes, are among them: the loop above tested each path.
    #expect(booleanFiles > 0 && solutionFiles > 0 && blankNodeFiles > 0)
    #expect(booleanFiles + solutionFiles == paths.count)
}

// MARK: json-res

@Test func theJSONResultFormatTestFilesRead() throws {
    let ex = "http://example.org/"
    guard case .solutions(let r1) = try JSONResultsReader.read(readW3CFile("sparql11/json-res/jsonres01.srj")) else {
        Issue.record("jsonres01 is not a solution sequence"); return
    }
    #expect(r1.variables == ["s", "p", "o"])
    #expect(r1.rows.count == 6)
    #expect(r1.rows[0] == [.iri(ex + "s1"), .iri(ex + "p1"), .iri(ex + "s2")])
    #expect(r1.rows[1][2] == .literal("foo", datatype: nil, language: nil))
    // "type": "typed-literal", the older spelling, with its datatype.
    #expect(r1.rows[2][2] == .literal("bar", datatype: XSD.string, language: nil))
    #expect(r1.rows[3][2] == .literal("4", datatype: XSD.integer, language: nil))
    #expect(r1.rows[4][2] == .literal("5", datatype: XSD.decimal, language: nil))
    #expect(r1.rows[5][2] == .blank("b0"))

    guard case .solutions(let r2) = try JSONResultsReader.read(readW3CFile("sparql11/json-res/jsonres02.srj")) else {
        Issue.record("jsonres02 is not a solution sequence"); return
    }
    #expect(r2.variables == ["s", "p", "o", "p2", "o2"])
    #expect(r2.rows.count == 6)
    #expect(r2.value(of: "p2", inRow: 0) == .iri(ex + "p2"))
    #expect(r2.value(of: "o2", inRow: 0) == .literal("foo", datatype: nil, language: nil))
    #expect(r2.rows[1] == [.iri(ex + "s2"), .iri(ex + "p2"), .literal("foo", datatype: nil, language: nil), nil, nil])

    #expect(try JSONResultsReader.read(readW3CFile("sparql11/json-res/jsonres03.srj")) == .boolean(true))
    #expect(try JSONResultsReader.read(readW3CFile("sparql11/json-res/jsonres04.srj")) == .boolean(false))
}
