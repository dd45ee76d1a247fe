import Foundation
import QuiverCore
@testable import QuiverStore
import Testing
import QuiverTestSupport

@Suite("Models from the command line", .serialized, .enabled(if: CLI.executable != nil,
    "the quiver executable was not found next to the test bundle; build it (swift build --build-tests) first"))
struct ModelCLITests {
    @Test("train saves a model that eval and score read back; a bad option changes nothing")
    func trainEvalScore() throws {
        let g = "cli-models-nations"
        for split in ["train", "valid", "test"] {
            let load = try CLI.run(["load", g, Datasets.path("nations", split), "--split", split, "--json"])
            #expect(load.status == 0, "\(load.stderr)")
        }
        let bad = try CLI.run(["train", g, "--model", "transformer"])
        #expect(bad.status == 2 && bad.stderr.contains("transformer"), "\(bad.stderr)")
        let huge = try CLI.run(["train", g, "--model", "nbf", "--batch", "100000", "--dim", "512"])
        #expect(huge.status == 1 && huge.stderr.contains("lower --batch"), "\(huge.stderr)")
        let none = try CLI.run(["eval", g, "--model", "complex"])
        #expect(none.status == 1 && none.stderr.contains("has no model named 'complex'"), "\(none.stderr)")

        let train = try CLI.run(["train", g, "--model", "complex", "--name", "small", "--dim", "16", "--epochs", "10",
                                 "--validate-every", "5", "--seed", "4", "--threads", "1", "--json"])
        #expect(train.status == 0, "\(train.stderr)")
        let report = try #require(train.json, "not JSON: \(train.stdout)")
        #expect(report["model"] as? String == "small" && report["kind"] as? String == "complex")
        #expect(report["train_triples"] as? Int == 1592)
        let test = try #require(report["test"] as? [String: Any])
        // Nations has 14 entities: a random ranking's MRR is about 0.35 (filtered, higher).
        #expect((test["mrr"] as? Double ?? 0) > 0.5, "\(test)")

        let eval = try CLI.run(["eval", g, "--model", "small", "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let e = try #require(eval.json)
        // eval recomputes exactly what train measured on the kept parameters.
        #expect(e["mrr"] as? Double == test["mrr"] as? Double)
        #expect(e["hits@1"] as? Double == test["hits@1"] as? Double && e["hits@10"] as? Double == test["hits@10"] as? Double)
        #expect((e["tail"] as? [String: Any])?["count"] as? Int == 201)
        // --sample: a seeded subset, the same for the same seed; the whole split when it asks for more.
        let sampled = try #require(try CLI.run(["eval", g, "--model", "small", "--sample", "40", "--json"]).json)
        #expect(sampled["sampled"] as? Int == 40 && sampled["split_facts"] as? Int == 201 && sampled["count"] as? Int == 80)
        let again = try #require(try CLI.run(["eval", g, "--model", "small", "--sample", "40", "--json"]).json)
        #expect(again["mrr"] as? Double == sampled["mrr"] as? Double)
        let other = try #require(try CLI.run(["eval", g, "--model", "small", "--sample", "40", "--seed", "9", "--json"]).json)
        #expect(other["sampled"] as? Int == 40)
        let whole = try #require(try CLI.run(["eval", g, "--model", "small", "--sample", "500", "--json"]).json)
        #expect(whole["mrr"] as? Double == test["mrr"] as? Double && whole["sampled"] == nil)
        #expect(try CLI.run(["eval", g, "--model", "small", "--sample", "0"]).status == 2)

        let score = try CLI.run(["score", g, "usa", "embassy", "--model", "small", "--top-k", "3", "--explain", "2", "--expand", "ppr", "--expand-k", "2", "--json"])
        #expect(score.status == 0, "\(score.stderr)")
        let s = try #require(score.json)
        let answers = try #require(s["answers"] as? [[String: Any]])
        #expect(answers.count == 3 && answers.map { $0["rank"] as? Int } == [1, 2, 3])
        let expanded = try #require(s["expanded"] as? [[String: Any]])
        #expect(expanded.count == 2)
        #expect(try CLI.run(["score", g, "usa", "embassy", "--model", "small", "--expand", "bfs"]).status == 2)
        let unknown = try CLI.run(["score", g, "atlantis", "embassy", "--model", "small"])
        #expect(unknown.status == 1 && unknown.stderr.contains("unknown node 'atlantis'"), "\(unknown.stderr)")

        let list = try CLI.run(["models", g, "--json"])
        #expect(list.stdout.contains("\"small\""), "\(list.stdout)")
        #expect(try CLI.run(["models", g, "--delete", "small"]).status == 0)
        #expect(try CLI.run(["eval", g, "--model", "small"]).status == 1)
        #expect(try CLI.run(["drop", g]).status == 0)
    }
}

@Suite("The models table")
struct ModelStoreTests {
    @Test("save, read, list, replace and delete; dropping the graph drops its models")
    func roundTrip() throws {
        let store = try TestCluster.store()
        let g = uniqueGraphName("models")
        _ = try store.add(graph: g, triples: [Triple(.name("a"), .name("r"), .name("b"))])
        let weights = (0 ..< 70_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try store.saveModel(StoredModel(graph: g, name: "m1", kind: "complex", hyperparameters: #"{"dim":4}"#,
                                        metrics: #"{"test":{"mrr":0.5}}"#, weights: weights, trainedOnSeq: 1))
        let m = try store.model(graph: g, name: "m1")
        #expect(m.weights == weights && m.kind == "complex" && m.weightBytes == weights.count)
        // Read in slices (1 GiB models come back 256 MiB at a time): 70 of 1,000 bytes here.
        #expect(try store.model(graph: g, name: "m1", sliceBytes: 1000).weights == weights)
        #expect(m.hyperparameters.contains("\"dim\": 4") || m.hyperparameters.contains("\"dim\":4"))
        try store.saveModel(StoredModel(graph: g, name: "m1", kind: "nbf", hyperparameters: "{}", metrics: "{}", weights: [1, 2], trainedOnSeq: 2))
        #expect(try store.model(graph: g, name: "m1").weights == [1, 2])
        #expect(try store.models(graph: g).map(\.name) == ["m1"])
        #expect(throws: StoreError.self) {
            try store.saveModel(StoredModel(graph: g, name: "bad name", kind: "nbf", hyperparameters: "{}", metrics: "{}", weights: [], trainedOnSeq: 0))
        }
        #expect(throws: StoreError.self) {
            try store.saveModel(StoredModel(graph: "no-such-graph-x", name: "m", kind: "nbf", hyperparameters: "{}", metrics: "{}", weights: [], trainedOnSeq: 0))
        }
        #expect(try store.modelStamp(graph: g, name: "m1") != nil)
        #expect(try store.deleteModel(graph: g, name: "m1"))
        #expect(try store.deleteModel(graph: g, name: "m1") == false)
        try store.saveModel(StoredModel(graph: g, name: "m2", kind: "nbf", hyperparameters: "{}", metrics: "{}", weights: [9], trainedOnSeq: 3))
        #expect(try store.drop(graph: g))
        _ = try store.add(graph: g, triples: [Triple(.name("a"), .name("r"), .name("b"))])
        #expect(try store.models(graph: g).isEmpty)
        _ = try store.drop(graph: g)
    }
}
