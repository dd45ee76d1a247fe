import Foundation
import QuiverCore
import QuiverSPARQLResults
import QuiverTestSupport
import Testing

/// The suite's `sparql11/csv-tsv-res` tests. Their expected files have no .srx or .srj
/// counterpart, so the solutions are built here by hand from each test's data and query.
struct CSVTSVSuiteTests {
    static let ex = "http://example.org/"

    static func literal(_ value: String, _ datatype: String? = nil) -> Term {
        .literal(value, datatype: datatype, language: nil)
    }

    /// csvtsv01.rq over data.ttl: `SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o`. data.ttl has one
    /// triple per subject `:s1` … `:s6`; their objects are `:s2`, "foo", "bar"^^xsd:string, 4,
    /// 5.5 and the blank node `_:o6`, which a result may label as it likes (`blankLabel`).
    static func solutions01(blankLabel: String) -> SolutionSequence {
        let objects: [Term] = [.iri(ex + "s2"), literal("foo"), literal("bar", XSD.string), literal("4", XSD.integer),
                               literal("5.5", XSD.decimal), .blank(blankLabel)]
        return SolutionSequence(variables: ["s", "p", "o"], rows: objects.enumerated().map { i, object in
            [.iri(ex + "s\(i + 1)"), .iri(ex + "p\(i + 1)"), object]
        })
    }

    /// csvtsv02.rq over data.ttl: `SELECT * WHERE { ?s ?p ?o OPTIONAL { ?o ?p2 ?o2 } } ORDER BY …`.
    /// Only `:s2`, the object of the first row, is itself a subject (`:s2 :p2 "foo"`), so only the
    /// first row binds ?p2 and ?o2.
    static func solutions02(blankLabel: String) -> SolutionSequence {
        var result = solutions01(blankLabel: blankLabel)
        result.variables += ["p2", "o2"]
        result.rows = result.rows.enumerated().map { i, row in
            row + (i == 0 ? [.iri(ex + "p2"), literal("foo")] : [nil, nil])
        }
        return result
    }

    /// csv03/tsv03 run csvtsv01.rq's `SELECT * WHERE { ?s ?p ?o }` (ordered) over data2.ttl: seven
    /// subjects, each with one typed literal.
    static func solutions03() -> SolutionSequence {
        let xsd = XSD.namespace
        let objects: [Term] = [literal("1", XSD.string), literal("2.2", XSD.decimal), literal("-3", xsd + "negativeInteger"),
                               literal("4,4", XSD.string), literal("5,5", ex + "myCustomDatatype"), literal("1.0E6", XSD.double),
                               literal("a7", xsd + "hexBinary")]
        return SolutionSequence(variables: ["s", "p", "o"], rows: objects.enumerated().map { i, object in
            [.iri(ex + "s\(i + 1)"), .iri(ex + "p\(i + 1)"), object]
        })
    }

    func expected(_ name: String) throws -> [UInt8] { try readW3CFile("sparql11/csv-tsv-res/" + name) }

    func written(_ solutions: SolutionSequence, as format: ResultsFormat) throws -> [UInt8] {
        try ResultsWriter.serialize(.solutions(solutions), as: format)
    }

    @Test func theWritersProduceTheExpectedFilesByteForByte() throws {
        // The CSV files label the blank node `_:a`, the TSV files `_:b0`.
        #expect(String(decoding: try written(Self.solutions01(blankLabel: "a"), as: .csv), as: UTF8.self)
            == String(decoding: try expected("csvtsv01.csv"), as: UTF8.self))
        #expect(try written(Self.solutions01(blankLabel: "b0"), as: .tsv) == expected("csvtsv01.tsv"))
        #expect(try written(Self.solutions02(blankLabel: "a"), as: .csv) == expected("csvtsv02.csv"))
        #expect(try written(Self.solutions02(blankLabel: "b0"), as: .tsv) == expected("csvtsv02.tsv"))
        #expect(try written(Self.solutions03(), as: .csv) == expected("csvtsv03.csv"))
    }

    /// tsv03's expected file writes data2.ttl's double "1.0E6" as `1.0e6`, another lexical form
    /// of the same value; the writer keeps the form it is given. Every other line is the same.
    @Test func tsv03DiffersOnlyInTheDoublesLexicalForm() throws {
        let ours = String(decoding: try written(Self.solutions03(), as: .tsv), as: UTF8.self).split(separator: "\n")
        let theirs = String(decoding: try expected("csvtsv03.tsv"), as: UTF8.self).split(separator: "\n")
        #expect(ours.count == 8 && theirs.count == 8)
        for (line, (a, b)) in zip(ours, theirs).enumerated() where line != 6 {
            #expect(a == b, "line \(line + 1)")
        }
        #expect(ours[6].hasSuffix("\t1.0E6") && theirs[6].hasSuffix("\t1.0e6"))
        // Read back, the file's row differs from ours in that lexical form only.
        guard case .solutions(let read) = try TSVResultsReader.read(expected("csvtsv03.tsv")) else {
            Issue.record("tsv03 is not a solution sequence"); return
        }
        var solutions = Self.solutions03()
        solutions.rows[5][2] = Self.literal("1.0e6", XSD.double)
        #expect(read == solutions)
    }

    @Test func theExpectedFilesReadBackAsTheSolutions() throws {
        let tsv01 = try TSVResultsReader.read(expected("csvtsv01.tsv"))
        #expect(tsv01 == .solutions(Self.solutions01(blankLabel: "b0")))
        // Up to renaming the blank node, with the order the query asks for.
        #expect(ResultsEquivalence.areEquivalent(tsv01, .solutions(Self.solutions01(blankLabel: "x")), ordered: true))
        #expect(try TSVResultsReader.read(expected("csvtsv02.tsv")) == .solutions(Self.solutions02(blankLabel: "b0")))

        for (file, solutions) in [("csvtsv01.csv", Self.solutions01(blankLabel: "a")), ("csvtsv02.csv", Self.solutions02(blankLabel: "a")),
                                  ("csvtsv03.csv", Self.solutions03())] {
            let read = try CSVResultsReader.read(expected(file))
            #expect(ResultsEquivalence.areEquivalent(read, ResultsEquivalence.csvForm(.solutions(solutions)), ordered: true), "\(file)")
            guard case .solutions(let rows) = read else { continue }
            // Quoted fields come back without their quotes.
            if file == "csvtsv03.csv" { #expect(rows.value(of: "o", inRow: 3) == Self.literal("4,4")) }
        }
        // The CSV files carry what the TSV files do, less the types.
        for n in ["01", "02"] {
            let csv = try CSVResultsReader.read(expected("csvtsv\(n).csv"))
            let tsv = try TSVResultsReader.read(expected("csvtsv\(n).tsv"))
            #expect(ResultsEquivalence.areEquivalent(csv, ResultsEquivalence.csvForm(tsv), ordered: true))
        }
    }
}
