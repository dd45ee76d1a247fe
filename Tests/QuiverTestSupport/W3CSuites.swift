import Foundation

/// Where the W3C test suites are: `QUIVER_W3C_TESTS`, or `.build/w3c-tests` in the package, which
/// `scripts/fetch-w3c-tests.sh` fills (`make test` runs it first). A harness that cannot find them
/// fails, naming the script: a conformance suite that silently does not run proves nothing.
public enum W3CSuites {
    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "the W3C test suites are not at \(path): run scripts/fetch-w3c-tests.sh (make test does)" }
    }

    /// The suites' root (it holds `sparql11`, `dawg-data-r2`, `turtle`, …).
    public static func root() throws -> URL {
        let url: URL
        if let given = ProcessInfo.processInfo.environment["QUIVER_W3C_TESTS"], !given.isEmpty {
            url = URL(fileURLWithPath: given)
        } else {
            // Tests/QuiverTestSupport/W3CSuites.swift → the package root.
            url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/w3c-tests")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("sparql11").path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Missing(path: url.path)
        }
        return url
    }
}
