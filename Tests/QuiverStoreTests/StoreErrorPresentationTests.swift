import QuiverCore
import QuiverPostgres
import QuiverStore
import Testing

/// Store errors keep their CLI text and name commands in the daemon's words for the daemon. No
/// database is needed: these are the errors' own words and categories.
@Suite struct StoreErrorPresentationTests {
    @Test func aMissingGraphIsNotFoundAndSuggestsListingGraphs() {
        let e = StoreError.graphNotFound("g")
        #expect(e.category == .notFound)
        #expect(e.description == "graph 'g' does not exist (see `quiver graphs`)")
        let daemon = e.message.rendered(for: .daemon)
        #expect(daemon == "graph 'g' does not exist (see GRAPHS)")
        #expect(!daemon.contains("--") && !daemon.contains("quiver "))
    }

    @Test func aMissingModelIsNotFoundAndSuggestsModelsAndTrain() {
        let e = StoreError.modelNotFound(graph: "nations", name: "m")
        #expect(e.category == .notFound)
        #expect(e.description
            == "graph 'nations' has no model named 'm' (see `quiver models nations`; train one with `quiver train nations`)")
        let daemon = e.message.rendered(for: .daemon)
        #expect(daemon == "graph 'nations' has no model named 'm' (see MODELS nations; train one with TRAIN nations)")
        #expect(!daemon.contains("--") && !daemon.contains("quiver "))
    }

    @Test func categoriesFollowWhatTheCallerCanDo() {
        #expect(StoreError.invalidGraphName("", reason: "it is empty").category == .invalidInput)
        #expect(StoreError.input("bad").category == .invalidInput)
        #expect(StoreError.parse(ParseError(file: "-", line: 1, column: 1, found: "x", expected: "y")).category == .invalidInput)
        #expect(StoreError.cancelled.category == .cancelled)
        #expect(StoreError.timedOut(.seconds(5)).category == .cancelled)
        #expect(StoreError.schemaTooNew(databaseVersion: 9, supportedVersion: 3).category == .unavailable)
        #expect(StoreError.database(PGError(kind: .connection, message: "refused")).category == .unavailable)
        #expect(StoreError.database(PGError(kind: .server, message: "oops", sqlState: "XX000")).category == .internal)
    }
}
