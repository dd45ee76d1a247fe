import Testing
import QuiverCore
@testable import QuiverPaths

/// Path errors keep their CLI text and give the daemon its own option names.
@Suite struct PathErrorPresentationTests {
    @Test func maxHopsAboveTheCeilingNamesTheOptionPerSurface() {
        let e = PathError.maxHopsAboveCeiling(requested: 20, ceiling: 16)
        #expect(e.category == .usage)
        #expect(e.description == "--max-hops 20 is above the ceiling of 16 hops (raise the ceiling to allow it)")
        let daemon = e.message.rendered(for: .daemon)
        #expect(daemon == "MAX-HOPS 20 is above the ceiling of 16 hops (raise the ceiling to allow it)")
        #expect(!daemon.contains("--") && !daemon.contains("quiver "))
    }

    @Test func unknownNamesAreNotFound() {
        let e = PathError.unknownNode("aa", suggestions: ["a", "b"])
        #expect(e.category == .notFound)
        #expect(e.description == "unknown node 'aa'; did you mean 'a', 'b'?")
        #expect(PathError.unknownRelation("r", suggestions: []).description == "unknown relation 'r'")
    }

    @Test func theEnginesArgumentChecksSpeakInOptions() throws {
        let engine = PathEngine(snapshot: makeSnapshot([("a", "knows", "b"), ("b", "knows", "d")]))
        do {
            _ = try engine.paths(from: "a", to: "d", mode: .kShortest, k: 0)
            Issue.record("k 0 was accepted")
        } catch let e as PathError {
            #expect(e.description == "-k must be at least 1, not 0")
            #expect(e.message.rendered(for: .daemon) == "K must be at least 1, not 0")
        }
        var o = PathOptions()
        o.maxHops = -1
        do {
            _ = try engine.paths(from: "a", to: "d", options: o)
            Issue.record("a negative max-hops was accepted")
        } catch let e as PathError {
            #expect(e.category == .usage)
            #expect(e.description == "--max-hops must not be negative")
            #expect(e.message.rendered(for: .daemon) == "MAX-HOPS must not be negative")
        }
    }
}
