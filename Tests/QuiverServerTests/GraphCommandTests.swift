import Foundation
import QuiverAugment
import QuiverCore
import QuiverModels
import QuiverProtocol
import QuiverServer
import QuiverService
import QuiverGraph
import QuiverSnapshot
import QuiverStore
import Testing
import QuiverTestSupport

/// Graph commands against a real PostgreSQL (embedded, in a temp directory).
@Suite(.serialized) struct GraphCommandTests {
    let store: Store

    init() throws { store = try TestCluster.store() }

    @Test func addPathsDelete() async throws {
        let g = uniqueName("srv")
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            #expect(c.command("HELLO", "3")?.dictionary["proto"] == .integer(3))
            #expect(c.command("ADD", g, "erin", "born_in", "lyon") == .integer(1))
            #expect(c.command("ADD", g, "erin", "born_in", "lyon") == .integer(0))
            #expect(c.command("add", g, "lyon", "located_in", "france", "PROVENANCE", "asserted", "SPLIT", "train") == .integer(1))
            let paths = try #require(c.command("PATHS", g, "erin", "france")).dictionary
            #expect(paths["count"] == .integer(1))
            #expect(paths["paths"] == .array([.map([
                "edges": .array([.map(["direction": .bulk("out"), "relation": .bulk("born_in")]),
                                 .map(["direction": .bulk("out"), "relation": .bulk("located_in")])]),
                "nodes": .array([.bulk("erin"), .bulk("lyon"), .bulk("france")]),
            ])]))
            // FORMAT JSON is the CLI's --json text.
            let json = try #require(c.command("PATHS", g, "erin", "france", "FORMAT", "JSON")?.text)
            #expect(json == #"{"count":1,"paths":[{"edges":[{"direction":"out","relation":"born_in"},{"direction":"out","relation":"located_in"}],"nodes":["erin","lyon","france"]}],"reason":null,"truncated":false}"#)
            #expect(c.command("NEIGHBORS", g, "lyon", "--dir", "both", "format", "json")?.text
                    == #"{"count":2,"neighbors":[{"direction":"out","node":"france","relation":"located_in"},{"direction":"in","node":"erin","relation":"born_in"}],"truncated":false}"#)
            #expect(c.command("REACH", g, "erin", "COUNT", "FORMAT", "JSON")?.text == #"{"count":2,"truncated":false}"#)
            #expect(c.command("HOP", g, "erin", "born_in", "located_in", "FORMAT", "JSON")?.text
                    == #"{"count":1,"tails":[{"tail":"france","witnesses":[["lyon"]]}],"truncated":false}"#)
            #expect(c.command("DEL", g, "erin", "born_in", "lyon") == .integer(1))
            // Read-your-writes: the very next query sees the delete (erin has no edges left).
            #expect(c.command("PATHS", g, "erin", "france")?.text?.contains("unknown node 'erin'") == true)
            #expect(c.command("PATHS", g, "lyon", "france")?.dictionary["count"] == .integer(1))
            // Durable: another process (here another Store) sees it.
            #expect(try store.nameTriples(g) == ["lyon\tlocated_in\tfrance"])
            #expect(c.command("DROP", g) == .ok)
            #expect(c.command("STATS", g)?.text?.hasPrefix("NOGRAPH graph '\(g)'") == true)
            #expect(c.command("DROP", g)?.text?.hasPrefix("NOGRAPH") == true)
        }
    }

    @Test func errorsNameTheProblem() async throws {
        let g = uniqueName("srv-err")
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            #expect(c.command("NEIGHBORS", "no-such-graph", "x")?.text == "NOGRAPH graph 'no-such-graph' does not exist (GRAPHS lists the graphs)")
            #expect(c.command("ADD", g, "a", "r", "b") == .integer(1))
            #expect(c.command("PATHS", g, "a", "zz")?.text?.hasPrefix("ERR") == true)
            #expect(c.command("PATHS", g, "a", "b", "MODE", "fastest")?.text?.hasPrefix("WRONGARGS") == true)
            #expect(c.command("PATHS", g, "a", "b", "BOGUS")?.text?.hasPrefix("WRONGARGS") == true)
            #expect(c.command("PATHS", g, "a", "b", "MAX-HOPS", "99")?.text?.hasPrefix("WRONGARGS") == true)
            #expect(c.command("ADD", g, "a", "r")?.text?.hasPrefix("WRONGARGS") == true)
            #expect(c.command("LOAD", g, "FORMAT", "yaml", "data")?.text?.hasPrefix("WRONGARGS") == true)
            #expect(c.command("LOAD", g, "FORMAT", "tsv", "PATH", "/etc/passwd")?.text?.contains("--import-dir") == true)
            _ = try? store.drop(graph: g)
        }
    }

    @Test func loadPayloadAllOrNothing() async throws {
        let g = uniqueName("srv-load")
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            let report = try #require(c.command("LOAD", g, "FORMAT", "tsv", "a\tr\tb\nb\tr\tc\nc\tr\td\n", "SPLIT", "train")).dictionary
            #expect(report["read"] == .integer(3))
            #expect(report["new"] == .integer(3))
            #expect(c.command("PATHS", g, "a", "d")?.dictionary["count"] == .integer(1))
            let bad = try #require(c.command("LOAD", g, "FORMAT", "nt", "<http://x/a> <http://x/r> <http://x/b> .\n<http://x/a> <http://x/r> oops .\n")?.text)
            #expect(bad.hasPrefix("ERR payload:2:"), "\(bad)")
            #expect(c.command("STATS", g)?.dictionary["triples"] == .integer(3))
            let exported = try #require(c.command("EXPORT", g, "FORMAT", "tsv")?.text)
            #expect(exported.split(separator: "\n").sorted() == ["a\tr\tb", "b\tr\tc", "c\tr\td"])
            _ = try? store.drop(graph: g)
        }
    }

    /// PPR answers what the library answers (the CLI's `quiver ppr --json` is the same call).
    @Test func pprMatchesTheLibrary() async throws {
        let g = uniqueName("srv-ppr")
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            let payload = "a\tr\tb\nb\tr\tc\nc\tr\ta\na\ts\tc\nd\tr\ta\n"
            #expect(c.command("LOAD", g, "FORMAT", "tsv", payload)?.dictionary["new"] == .integer(5))
            let json = try #require(c.command("PPR", g, "a", "ALPHA", "0.2", "TOP-K", "3", "ITERATIONS", "30", "FORMAT", "JSON")?.text)
            var query = PPRQuery(seeds: ["a"])
            query.alpha = 0.2
            query.topK = 3
            query.iterations = 30
            let snapshot = try SnapshotLoader(store: store).build(graph: g)
            let expected = try jsonBytes(query.run(on: snapshot))
            #expect(json == String(decoding: expected, as: UTF8.self))
            let plain = try #require(c.command("PPR", g, "a", "TOP-K", "2")).dictionary
            guard case .array(let results) = try #require(plain["results"]) else { Issue.record("results"); return }
            #expect(results.count == 2)
            #expect(c.command("PPR", g, "zz")?.text?.contains("unknown seed in graph '\(g)': zz") == true)
            #expect(c.command("PPR", g, "a", "ALPHA", "2")?.text?.hasPrefix("WRONGARGS") == true)
            // PHI likewise answers the library's PhiReport, which `quiver phi --json` prints.
            let phi = try #require(c.command("PHI", g, "FORMAT", "JSON")?.text)
            let report = try PhiReport(graph: g, facts: FactGraph(snapshot: snapshot, split: nil), hops: 2)
            #expect(phi == String(decoding: try jsonBytes(report), as: UTF8.self))
            #expect(c.command("PHI", g)?.dictionary["atomic"] == .integer(5))
            #expect(c.command("PHI", g, "HOPS", "9")?.text?.hasPrefix("WRONGARGS") == true)
            _ = try? store.drop(graph: g)
        }
    }

    /// TRAIN (a job), EVAL and SCORE answer what ModelService answers for `quiver train`, `eval`
    /// and `score`.
    @Test func trainEvalScoreMatchTheLibrary() async throws {
        let g = uniqueName("srv-models")
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            // A ring: r0 to the next node, r1 back, r2 two ahead.
            var lines: [[String]] = [[], [], []]
            for i in 0 ..< 16 {
                for (k, line) in ["n\(i)\tr0\tn\((i + 1) % 16)", "n\((i + 1) % 16)\tr1\tn\(i)", "n\(i)\tr2\tn\((i + 2) % 16)"].enumerated() {
                    lines[(i * 3 + k) % 10 == 0 ? 1 : (i * 3 + k) % 10 == 1 ? 2 : 0].append(line)
                }
            }
            for (split, part) in zip(["train", "valid", "test"], lines) {
                #expect(c.command("LOAD", g, "FORMAT", "tsv", part.joined(separator: "\n") + "\n", "SPLIT", split)?.dictionary["new"] == .integer(Int64(part.count)))
            }
            #expect(c.command("TRAIN", g, "MODEL", "bogus")?.text?.hasPrefix("WRONGARGS") == true)
            #expect(c.command("TRAIN", g, "DIM", "x")?.text?.hasPrefix("WRONGARGS") == true)
            #expect(c.command("EVAL", g, "SPLIT", "test")?.text?.hasPrefix("WRONGARGS") == true)
            #expect(c.command("SCORE", g, "n0", "r0", "MODEL", "nosuch")?.text?.contains("no model named 'nosuch'") == true)
            let started = try #require(c.command("TRAIN", g, "MODEL", "complex", "NAME", "ring", "DIM", "8", "EPOCHS", "20",
                                                 "VALIDATE-EVERY", "5", "SEED", "3", "THREADS", "1")).dictionary
            let id = try #require(started["job"]?.text)
            let status = try await finishedJob(c, id, polls: 1200)
            #expect(status["state"] == .bulk("done"), "\(status)")
            // JOB STATUS carries the training's last progress line: its last epoch.
            #expect(status["last"]?.text?.hasPrefix("epoch 20/20: loss ") == true, "\(status)")
            let snapshot = try SnapshotLoader(store: store).build(graph: g)
            let loaded = try ModelService.load(store: store, snapshot: snapshot, name: "ring")
            #expect(loaded.hyper.dim == 8 && loaded.hyper.seed == 3)
            let served = try #require(c.command("EVAL", g, "MODEL", "ring", "FORMAT", "JSON")?.text)
            var expected = try JSONSerialization.jsonObject(with: Data(jsonBytes(ModelService.evaluate(loaded, split: .test)))) as! [String: Any]
            var got = try JSONSerialization.jsonObject(with: Data(served.utf8)) as! [String: Any]
            expected["seconds"] = nil
            got["seconds"] = nil
            #expect(NSDictionary(dictionary: got) == NSDictionary(dictionary: expected))
            #expect(got["mrr"] is Double && got["hits@10"] is Double)
            let score = try #require(c.command("SCORE", g, "n0", "r2", "MODEL", "ring", "TOP-K", "3", "EXPLAIN", "2", "FORMAT", "JSON")?.text)
            let direct = try ModelService.score(loaded, snapshot: snapshot, head: "n0", relation: "r2", topK: 3, explain: 2)
            #expect(score == String(decoding: try jsonBytes(direct), as: UTF8.self))
            let plain = try #require(c.command("SCORE", g, "n0", "^r0", "MODEL", "ring")).dictionary
            guard case .array(let answers) = try #require(plain["answers"]) else { Issue.record("answers"); return }
            #expect(answers.count == 10)
            let expandedReply = try #require(c.command("SCORE", g, "n0", "r0", "MODEL", "ring", "TOP-K", "2", "EXPAND", "ppr", "EXPAND-K", "3")).dictionary
            guard case .array(let expanded) = try #require(expandedReply["expanded"]) else { Issue.record("expanded"); return }
            #expect(expanded.count == 3)
            #expect(c.command("SCORE", g, "n0", "r0", "MODEL", "ring", "EXPAND", "bfs")?.text?.hasPrefix("WRONGARGS") == true)
            #expect(c.command("SCORE", g, "nosuchnode", "r0", "MODEL", "ring")?.text?.contains("unknown node 'nosuchnode'") == true)
            _ = try? store.drop(graph: g)
        }
    }

    /// AUGMENT runs the same AugmentRequest as `quiver augment`: the files are byte for byte those
    /// of a direct run with the same options.
    @Test func augmentWritesTheLibrarysDataset() async throws {
        let exportDir = try scratchDirectory("quiver-export")  // removed at exit
        try await withServer({ $0.exportDirectory = exportDir }, store: store) { port in
            let c = try TestClient(port: port)
            #expect(c.command("AUGMENT", "SYNTHETIC", "OUT", "syn", "BOGUS", "1")?.text?.hasPrefix("WRONGARGS") == true)
            let startedOK = try #require(c.command(
                "AUGMENT", "SYNTHETIC", "OUT", "syn", "ENTITIES", "100", "RELATIONS", "10", "OUT-DEGREE", "4",
                "PHI", "2", "SEED", "7", "PROBE-SIZE", "50")).dictionary
            let id = try #require(startedOK["job"]?.text)
            let status = try await finishedJob(c, id, polls: 600)
            #expect(status["state"] == .bulk("done"), "\(status)")
            var direct = AugmentRequest(graph: nil, out: exportDir + "/direct")
            direct.synthetic = true
            direct.entities = 100
            direct.relations = 10
            direct.outDegree = 4
            direct.phi = 2
            direct.seed = 7
            direct.probeSize = 50
            _ = try direct.run(store: nil)
            for file in ["train.json", "valid.json", "test.json", "vocab.json"] {
                let served = FileManager.default.contents(atPath: exportDir + "/syn/" + file)
                #expect(served != nil && served == FileManager.default.contents(atPath: exportDir + "/direct/" + file), "\(file)")
            }
            #expect(c.command("AUGMENT", "SYNTHETIC", "OUT", "../escape")?.text?.hasPrefix("WRONGARGS") == true)
            // Raising phi_r is a 2-hop procedure: a k-hop target is refused rather than missed silently.
            let k3 = c.command("AUGMENT", "somegraph", "OUT", "k3", "HOPS", "3", "TARGET-PHI-R", "5")?.text
            #expect(k3?.hasPrefix("WRONGARGS") == true && k3?.contains("2-hop phi_r") == true, "\(k3 ?? "nil")")
        }
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            #expect(c.command("AUGMENT", "SYNTHETIC", "OUT", "x")?.text?.contains("--export-dir") == true)
        }
    }

    /// While a big load into a graph runs, every read sees the graph before it or after it,
    /// never part of it: a load commits whole and a snapshot is swapped in whole.
    @Test func readsSeeWholeStatesDuringALoad() async throws {
        let g = uniqueName("srv-consistent")
        try await withServer({ $0.jobThresholdBytes = 1000 }, store: store) { port in
            let c = try TestClient(port: port)
            #expect(c.command("LOAD", g, "FORMAT", "tsv", "a\tr\tb\nb\tr\tc\n", "ASYNC") != nil)
            for _ in 0..<200 {
                if c.command("STATS", g)?.dictionary["triples"] == .integer(2) { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let payload = (0..<200_000).map { "x\($0)\tnext\tx\($0 + 1)\n" }.joined()
            let id = try #require(c.command("LOAD", g, "FORMAT", "tsv", payload)?.dictionary["job"]?.text)
            var seen: Set<Int64> = []
            var finished = false
            for _ in 0..<2000 {
                if case .integer(let n) = try #require(c.command("STATS", g)?.dictionary["triples"]) { seen.insert(n) }
                let paths = c.command("PATHS", g, "a", "c")?.dictionary
                #expect(paths?["count"] == .integer(1))
                if finished && seen.contains(200_002) { break }
                finished = c.command("JOB", "STATUS", id)?.dictionary["state"] == .bulk("done")
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(seen.isSubset(of: [2, 200_002]), "\(seen.sorted())")
            #expect(seen.contains(200_002))
            _ = try? store.drop(graph: g)
        }
    }

    @Test func cancellingARunningLoadJobLeavesNothing() async throws {
        let g = uniqueName("srv-cancel")
        try await withServer({ $0.jobThresholdBytes = 1000 }, store: store) { port in
            let c = try TestClient(port: port)
            let payload = (0..<400_000).map { "n\($0)\tnext\tn\($0 + 1)\n" }.joined()
            let started = try #require(c.command("LOAD", g, "FORMAT", "tsv", payload)).dictionary
            let id = try #require(started["job"]?.text)
            #expect(c.command("JOB", "CANCEL", id) == .ok)
            let status = try await finishedJob(c, id, polls: 600)
            #expect(status["state"] == .bulk("cancelled"), "\(status)")
            #expect(c.command("STATS", g)?.text?.hasPrefix("NOGRAPH") == true)
            #expect(try store.graph(named: g) == nil)
        }
    }

    @Test func bigLoadRunsAsAJob() async throws {
        let g = uniqueName("srv-job")
        try await withServer({ $0.jobThresholdBytes = 1000 }, store: store) { port in
            let c = try TestClient(port: port)
            let payload = (0..<20_000).map { "n\($0)\tnext\tn\($0 + 1)\n" }.joined()
            let started = try #require(c.command("LOAD", g, "FORMAT", "tsv", payload)).dictionary
            let id = try #require(started["job"]?.text)
            let status = try await finishedJob(c, id, polls: 600)
            #expect(status["state"] == .bulk("done"), "\(status)")
            #expect(status["result"]?.dictionary["new"] == .integer(20_000))
            #expect(c.command("JOB", "STATUS", "999999")?.text?.hasPrefix("NOJOB") == true)
            guard case .array(let jobs) = try #require(c.command("JOBS")) else { Issue.record("JOBS"); return }
            #expect(!jobs.isEmpty)
            #expect(c.command("STATS", g)?.dictionary["triples"] == .integer(20_000))
            _ = try? store.drop(graph: g)
        }
    }

    @Test func writesByAnotherProcessAreSeenWithinASecond() async throws {
        let g = uniqueName("srv-fresh")
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            #expect(c.command("ADD", g, "a", "r", "b") == .integer(1))
            #expect(c.command("REACH", g, "a", "COUNT")?.dictionary["count"] == .integer(1))
            // Another writer (the CLI would be another process; another Store is the same code path).
            let other = try Store.open(store.location == StoreLocation() ? store.location : store.location)
            _ = try other.load(graph: g, inputs: [.bytes(name: "x.tsv", Array("b\tr\tc\n".utf8))], options: .init(format: .tsv))
            var seen = false
            let deadline = Date().addingTimeInterval(1.0)
            while Date() < deadline {
                if c.command("REACH", g, "a", "COUNT")?.dictionary["count"] == .integer(2) { seen = true; break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(seen, "the daemon did not see another process's write within 1 s")
            _ = try? store.drop(graph: g)
        }
    }

    @Test func slowWorkOnOneConnectionDoesNotDelayPingOnAnother() async throws {
        let g = uniqueName("srv-slow")
        try await withServer(store: store) { port in
            let loader = try TestClient(port: port)
            let payload = (0..<150_000).map { "n\($0)\tr\tn\($0 * 7 % 150_000)\n" }.joined()
            let done = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                _ = loader.command("LOAD", g, "FORMAT", "tsv", payload)
                done.signal()
            }
            try await Task.sleep(for: .milliseconds(100))
            let pinger = try TestClient(port: port)
            var worst = 0.0
            for _ in 0..<20 {
                let t = Date()
                #expect(pinger.command("PING") == .simpleString("PONG"))
                worst = max(worst, Date().timeIntervalSince(t))
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(worst < 0.2, "PING took \(worst) s while a LOAD ran")
            done.wait()
            _ = try? store.drop(graph: g)
        }
    }
}

extension Store {
    func nameTriples(_ graph: String) throws -> Set<String> {
        var bytes: [UInt8] = []
        try export(graph: graph, format: .tsv) { bytes += $0 }
        return Set(String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init))
    }
}

@Suite struct ImportDirectoryTests {
    @Test func loadPathOnlyInsideTheImportDirectory() async throws {
        let store = try TestCluster.store()
        let dir = NSTemporaryDirectory() + "quiver-import-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "a\tr\tb\n".write(toFile: dir + "/sub/g.tsv", atomically: true, encoding: .utf8)
        let g = uniqueName("srv-import")
        try await withServer({ $0.importDirectory = dir }, store: store) { port in
            let c = try TestClient(port: port)
            let first = c.command("LOAD", g, "FORMAT", "tsv", "PATH", "sub/g.tsv")
            #expect(first?.dictionary["new"] == .integer(1), "\(String(describing: first))")
            #expect(c.command("LOAD", g, "FORMAT", "tsv", "PATH", dir + "/sub/g.tsv")?.dictionary["duplicates"] == .integer(1))
            #expect(c.command("LOAD", g, "FORMAT", "tsv", "PATH", "../../etc/passwd")?.text?.contains("outside the import directory") == true)
            #expect(c.command("LOAD", g, "FORMAT", "tsv", "PATH", "/etc/passwd")?.text?.contains("outside the import directory") == true)
        }
        _ = try? store.drop(graph: g)
    }

    @Test func perCommandTimeoutStopsAQuery() async throws {
        let store = try TestCluster.store()
        let g = uniqueName("srv-timeout")
        // A dense graph where simple paths explode.
        var lines = ""
        for i in 0..<30 { for j in 0..<30 where i != j { lines += "n\(i)\tr\tn\(j)\n" } }
        _ = try store.load(graph: g, inputs: [.bytes(name: "dense.tsv", Array(lines.utf8))], options: .init(format: .tsv))
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            let started = Date()
            let r = try #require(c.command("PATHS", g, "n0", "n1", "MODE", "simple", "MAX-HOPS", "12", "LIMIT", "100000000", "TIMEOUT", "2")).dictionary
            #expect(Date().timeIntervalSince(started) < 5)
            #expect(r["reason"] == .bulk("timeout"), "\(r["reason"] ?? .null)")
            #expect(c.command("PING") == .simpleString("PONG"))
        }
        _ = try? store.drop(graph: g)
    }
}

/// JOB STATUS of `id` once the job is neither queued nor running (or after `polls` tries 50 ms apart).
func finishedJob(_ c: TestClient, _ id: String, polls: Int) async throws -> [String: RESPValue] {
    var status: [String: RESPValue] = [:]
    for _ in 0 ..< polls {
        status = try #require(c.command("JOB", "STATUS", id)).dictionary
        if status["state"]?.text != "running" && status["state"]?.text != "queued" { break }
        try await Task.sleep(for: .milliseconds(50))
    }
    return status
}
