import Foundation
import QuiverPostgres
import Testing
import QuiverTestSupport

/// The built `quiver` executable and a data directory of its own for the CLI tests.
enum CLI {
    /// `quiver` in the products directory: next to the test bundle (`CommandLine.arguments[0]` is
    /// `<products>/QuiverPackageTests.xctest` on Linux), or under the scratch paths of this checkout.
    static let executable: String? = {
        var candidates: [String] = []
        let argv0 = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        candidates.append(argv0.deletingLastPathComponent().appendingPathComponent("quiver").path)
        // On macOS the bundle is <products>/X.xctest/Contents/MacOS/X.
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("quiver").path)
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for scratch in [".build-it", ".build"] { candidates.append(repo.appendingPathComponent("\(scratch)/debug/quiver").path) }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// A fresh data directory: the first command there creates and starts a cluster, which is
    /// stopped and removed at process exit.
    static let dataDirectory: Result<String, any Error> = Result {
        let dir = try TestCluster.makeTemporaryDirectory(prefix: "quiver-cli-tests")
        TestCleanup.register(EmbeddedCluster(dataDirectory: dir))
        return dir
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
        }
    }

    /// Runs `quiver ARGS --data-dir DIR` with QUIVER_DATA_DIR and QUIVER_DATABASE_URL unset.
    static func run(_ args: [String], dataDir: Bool = true) throws -> Run {
        let exe = try #require(executable)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: exe)
        process.arguments = dataDir ? args + ["--data-dir", try dataDirectory.get()] : args
        var env = ProcessInfo.processInfo.environment
        env["QUIVER_DATA_DIR"] = nil
        env["QUIVER_DATABASE_URL"] = nil
        process.environment = env
        let scratch = try scratchDirectory("quiver-cli-run")
        FileManager.default.createFile(atPath: scratch + "/out", contents: nil)
        FileManager.default.createFile(atPath: scratch + "/err", contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/out"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/err"))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Run(
            status: process.terminationStatus,
            stdout: try String(contentsOfFile: scratch + "/out", encoding: .utf8),
            stderr: try String(contentsOfFile: scratch + "/err", encoding: .utf8))
    }
}

@Suite("The quiver command line", .serialized, .enabled(if: CLI.executable != nil,
    "the quiver executable was not found next to the test bundle; build it (swift build --build-tests) first"))
struct CLITests {
    @Test("load --json reports read/new/duplicates; stats --json gives Nations' exact counts")
    func loadAndStats() throws {
        let train = Datasets.path("nations", "train")
        let triples = try Datasets.triples("nations", "train")
        let load = try CLI.run(["load", "cli-nations", train, "--split", "train", "--json"])
        #expect(load.status == 0, "\(load.stderr)")
        let report = try #require(load.json, "not JSON: \(load.stdout)")
        #expect(report["read"] as? Int == 1592)
        #expect(report["new"] as? Int == 1592)
        #expect(report["duplicates"] as? Int == 0)
        #expect(report["graph"] as? String == "cli-nations")

        let again = try CLI.run(["load", "cli-nations", train, "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.json?["read"] as? Int == 1592)
        #expect(again.json?["new"] as? Int == 0)
        #expect(again.json?["duplicates"] as? Int == 1592)

        let stats = try CLI.run(["stats", "cli-nations", "--json"])
        #expect(stats.status == 0, "\(stats.stderr)")
        let s = try #require(stats.json, "not JSON: \(stats.stdout)")
        #expect(s["triples"] as? Int == 1592)
        #expect(s["entities"] as? Int == triples.entityNames.count)
        #expect(s["relations"] as? Int == triples.relationNames.count)
        #expect((s["splits"] as? [String: Int])?["train"] == 1592)

        let text = try CLI.run(["stats", "cli-nations"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("triples    1,592"))
    }

    @Test("A malformed file fails with exit 1 and file:line:column; the graph is unchanged")
    func malformedInput() throws {
        let dir = try scratchDirectory("quiver-cli-bad")
        let bad = try writeFile(dir, "bad.tsv", "a\tb\tc\nd\te\tf\ng\th\n")
        let run = try CLI.run(["load", "cli-bad", bad])
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(bad):3:4"), "\(run.stderr)")
        let stats = try CLI.run(["stats", "cli-bad"])
        #expect(stats.status == 1)
        #expect(stats.stderr.contains("'cli-bad'"), "\(stats.stderr)")
    }

    @Test("Usage errors exit 2")
    func usageErrors() throws {
        let unknownFormat = try CLI.run(["load", "cli-usage", Datasets.path("nations", "train"), "--format", "yaml"])
        #expect(unknownFormat.status == 2)
        #expect(unknownFormat.stderr.contains("yaml"), "\(unknownFormat.stderr)")
        let exportFormat = try CLI.run(["export", "cli-usage", "--format", "rdfxml"])
        #expect(exportFormat.status == 2)
        let unknownCommand = try CLI.run(["frobnicate"], dataDir: false)
        #expect(unknownCommand.status == 2)
        #expect(try CLI.run(["graphs"]).stdout.contains("cli-usage") == false)
    }

    @Test("add and del write one triple, as ADD and DEL do; a term TSV cannot hold is refused")
    func addAndDelete() throws {
        let g = "cli-add"
        _ = try CLI.run(["drop", g])
        let added = try CLI.run(["add", g, "erin", "likes", "pizza", "--split", "train"])
        #expect(added.status == 0 && added.stdout == "added 1\n", "\(added.stderr)")
        #expect(try CLI.run(["add", g, "erin", "likes", "pizza"]).stdout == "added 0\n")
        #expect(try CLI.run(["paths", g, "erin", "pizza"]).stdout == "erin -likes-> pizza\n")
        let tab = try CLI.run(["add", g, "a\tb", "likes", "c"])
        #expect(tab.status == 2 && tab.stderr.contains("subject contains a tab"), "\(tab.stderr)")
        let provenance = try CLI.run(["add", g, "a", "likes", "c", "--provenance", "guessed"])
        #expect(provenance.status == 2 && provenance.stderr.contains("--provenance must be"), "\(provenance.stderr)")
        #expect(try CLI.run(["del", g, "erin", "likes", "pizza"]).stdout == "deleted 1\n")
        #expect(try CLI.run(["stats", g, "--json"]).stdout.contains("\"triples\":0"))
        _ = try CLI.run(["drop", g])
    }

    @Test("stats of a missing graph exits 1 naming it")
    func missingGraph() throws {
        let run = try CLI.run(["stats", "no-such-graph"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("graph 'no-such-graph' does not exist"), "\(run.stderr)")
    }

    @Test("convert exits 0 on valid Turtle and 1 with the position on invalid Turtle")
    func convert() throws {
        let dir = try scratchDirectory("quiver-cli-convert")
        let good = try writeFile(dir, "good.ttl", """
            @prefix ex: <http://ex.org/> .
            ex:a ex:p ex:b, "x"@en ;
                ex:q [ ex:r 1 ] .

            """)
        let ok = try CLI.run(["convert", good], dataDir: false)
        #expect(ok.status == 0, "\(ok.stderr)")
        let lines = ok.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines.contains("<http://ex.org/a> <http://ex.org/p> \"x\"@en ."))
        #expect(try parseNTriples(ok.stdout).count == 4)

        let bad = try writeFile(dir, "bad.ttl", """
            @prefix ex: <http://ex.org/> .
            ex:a ex:p ex:b .
            ex:a ex:p "unterminated .

            """)
        let no = try CLI.run(["convert", bad], dataDir: false)
        #expect(no.status == 1)
        #expect(no.stderr.contains("\(bad):3:"), "\(no.stderr)")
    }

    @Test("graphs --json, drop, export -o")
    func graphsDropExport() throws {
        let dir = try scratchDirectory("quiver-cli-export")
        let valid = Datasets.path("nations", "valid")
        #expect(try CLI.run(["load", "cli-a", valid]).status == 0)
        #expect(try CLI.run(["load", "cli-b", Datasets.path("nations", "test")]).status == 0)

        let graphs = try CLI.run(["graphs", "--json"])
        #expect(graphs.status == 0, "\(graphs.stderr)")
        let list = try #require(graphs.json?["graphs"] as? [[String: Any]], "\(graphs.stdout)")
        let counts = Dictionary(uniqueKeysWithValues: list.compactMap { g in (g["name"] as? String).map { ($0, g["triples"] as? Int) } })
        #expect(counts["cli-a"] == 199)
        #expect(counts["cli-b"] == 201)

        let file = dir + "/a.tsv"
        let export = try CLI.run(["export", "cli-a", "--format", "tsv", "-o", file])
        #expect(export.status == 0, "\(export.stderr)")
        let written = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(written.sorted() == (try Datasets.lines("nations", "valid")).sorted())
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(leftovers == ["a.tsv"], "\(leftovers)")

        // A failed export (missing graph) leaves neither the file nor a partial one.
        let missing = try CLI.run(["export", "cli-missing", "-o", dir + "/m.nt"])
        #expect(missing.status == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["a.tsv"])

        let drop = try CLI.run(["drop", "cli-a"])
        #expect(drop.status == 0, "\(drop.stderr)")
        let after = try CLI.run(["graphs", "--json"])
        let names = (after.json?["graphs"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names?.contains("cli-a") == false)
        #expect(names?.contains("cli-b") == true)
        let dropAgain = try CLI.run(["drop", "cli-a"])
        #expect(dropAgain.status == 1)
        #expect(dropAgain.stderr.contains("'cli-a'"))
    }
}
