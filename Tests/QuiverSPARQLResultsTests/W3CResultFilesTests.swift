import Foundation
import Testing
import QuiverTestSupport

/// The result-format tests read the W3C suites' expected results (.srx, .srj, .csv, .tsv).
@Test func theW3CResultFilesArePresent() throws {
    let root = try W3CSuites.root()
    let files = FileManager.default.enumerator(atPath: root.appendingPathComponent("sparql11").path)?.compactMap { $0 as? String } ?? []
    for ext in ["srx", "srj", "csv", "tsv"] {
        #expect(files.contains { $0.hasSuffix("." + ext) }, "no .\(ext) file")
    }
}
