import Foundation
import Testing
import QuiverTestSupport

/// The harnesses read the W3C suites from disk: they must be there (`make test` fetches them).
@Test func theW3CSPARQLSuitesArePresent() throws {
    let root = try W3CSuites.root()
    for manifest in ["sparql11/manifest-all.ttl", "dawg-data-r2/manifest-syntax.ttl", "dawg-data-r2/manifest-evaluation.ttl"] {
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(manifest).path), "\(manifest)")
    }
}
