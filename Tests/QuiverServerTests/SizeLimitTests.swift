import Foundation
import QuiverCore
import QuiverModels
import QuiverServer
import QuiverService
import QuiverStore
import Testing
import QuiverTestSupport

/// Requests too large to serve are refused by validation, before anything is allocated, with the
/// estimate, the limit and the option to lower.
@Suite struct AugmentSizeLimitTests {
    func synthetic(_ configure: (inout AugmentRequest) -> Void) -> AugmentRequest {
        var r = AugmentRequest(graph: nil, out: NSTemporaryDirectory() + "/quiver-never-written")
        r.synthetic = true
        configure(&r)
        return r
    }

    func refusal(_ r: AugmentRequest) -> String? {
        do { try r.validate() } catch { return error.description }
        return nil
    }

    @Test func aBillionSyntheticEntitiesIsRefusedNamingTheOption() {
        let message = refusal(synthetic { $0.entities = 1_000_000_000 })
        #expect(message?.contains("--entities") == true && message?.contains("GiB") == true
                && message?.contains("QUIVER_TRAIN_MEMORY_GIB") == true, "\(message ?? "accepted")")
    }

    @Test func aBillionSyntheticRelationsIsRefused() {
        let message = refusal(synthetic { $0.relations = 1_000_000_000 })
        #expect(message?.contains("--relations") == true, "\(message ?? "accepted")")
    }

    @Test func hugeComparisonTablesAreRefused() {
        let message = refusal(synthetic { $0.task = .comparison; $0.attributes = 1_000_000_000; $0.values = 1_000_000_000 })
        #expect(message?.contains("--attributes") == true, "\(message ?? "accepted")")
    }

    @Test func absurdIntegersAndNonFiniteNumbersAreRefused() {
        let cases: [(String, (inout AugmentRequest) -> Void)] = [
            ("--hops", { $0.hops = 1_000_000 }),
            ("--max-items", { $0.maxItems = -5 }),
            ("--probe-size", { $0.probeSize = -1 }),
            ("--out-degree", { $0.outDegree = -3 }),
            ("--phi", { $0.phi = .nan }),
            ("--phi", { $0.phi = .infinity }),
            ("--ood-ratio", { $0.oodRatio = .nan }),
            ("--iid-test-prob", { $0.iidTestProbability = 2 }),
        ]
        for (option, configure) in cases {
            let message = refusal(synthetic(configure))
            #expect(message?.contains(option) == true, "\(option): \(message ?? "accepted")")
        }
        var stored = AugmentRequest(graph: "g", out: "/tmp/x")
        stored.targetPhiR = .infinity
        #expect(refusal(stored)?.contains("--target-phi-r") == true)
        stored.targetPhiR = 5
        stored.corruptRate = .nan
        #expect(refusal(stored)?.contains("--corrupt-rate") == true)
    }

    @Test func defaultsAndTheBenchmarkSetupPass() {
        #expect(refusal(synthetic { _ in }) == nil)
        #expect(refusal(synthetic { $0.task = .comparison; $0.entities = 1000 }) == nil)
        #expect(refusal(synthetic { $0.hops = 4; $0.entities = 2000; $0.outDegree = 20 }) == nil)
    }
}

@Suite struct TrainingSizeLimitTests {
    @Test func aHugeDimIsRefusedWhateverTheGraph() {
        var h = Hyperparameters.defaults(for: .complex)
        h.dim = 100_000_000
        let p = h.problems().joined(separator: "; ")
        #expect(p.contains("--dim") && p.contains("GiB"), "\(p)")
    }

    @Test func nonFiniteAndAbsurdHyperparametersAreRefused() {
        var h = Hyperparameters.defaults(for: .complex)
        for lr in [Double.nan, .infinity, 1e308, -1] {
            h.learningRate = lr
            #expect(h.problems().contains { $0.hasPrefix("lr ") }, "lr \(lr)")
        }
        h = Hyperparameters.defaults(for: .complex)
        h.regularization = .nan
        #expect(h.problems().contains { $0.hasPrefix("regularization") })
        h.regularization = .infinity
        #expect(h.problems().contains { $0.hasPrefix("regularization") })
        h = Hyperparameters.defaults(for: .complex)
        h.threads = 100_000
        #expect(h.problems().contains { $0.hasPrefix("threads") })
        h = Hyperparameters.defaults(for: .complex)
        h.epochs = 1_000_000_000_000
        #expect(h.problems().contains { $0.hasPrefix("epochs") })
        for kind in ModelKind.allCases { #expect(Hyperparameters.defaults(for: kind).problems().isEmpty, "\(kind)") }
    }

    @Test func trainRefusesNaNForANumberOption() {
        for words in [["g", "LR", "nan"], ["g", "LABEL-SMOOTHING", "inf"]] {
            #expect(throws: RequestError.self) { try TrainRequest(ParsedArguments.parse(words, verb: TrainRequest.spec, surface: .daemon)) }
        }
    }
}

/// The daemon refuses the same requests with an error reply and keeps serving.
@Suite(.serialized) struct ServerSizeLimitTests {
    let store: Store

    init() throws { store = try TestCluster.store() }

    @Test func hugeAugmentAndTrainAreErrorRepliesNotACrash() async throws {
        let exportDir = try scratchDirectory("quiver-export")  // removed at exit
        let g = uniqueName("srv-limits")
        try await withServer({ $0.exportDirectory = exportDir }, store: store) { port in
            let c = try TestClient(port: port)
            let augment = try #require(c.command("AUGMENT", "SYNTHETIC", "OUT", "x", "ENTITIES", "1000000000"))
            #expect(augment.text?.hasPrefix("WRONGARGS") == true && augment.text?.lowercased().contains("entities") == true, "\(augment)")
            #expect(c.command("PING") == .simpleString("PONG"))
            let lines = (0 ..< 8).map { "n\($0)\tr\tn\(($0 + 1) % 8)" }.joined(separator: "\n") + "\n"
            #expect(c.command("LOAD", g, "FORMAT", "tsv", lines, "SPLIT", "train")?.dictionary["new"] == .integer(8))
            let train = try #require(c.command("TRAIN", g, "DIM", "100000000"))
            #expect(train.text?.hasPrefix("WRONGARGS") == true && train.text?.lowercased().contains("dim") == true, "\(train)")
            #expect(c.command("PING") == .simpleString("PONG"))
            // SCORE caps how much it is asked to list and explain.
            let tiny = try #require(c.command("TRAIN", g, "NAME", "tiny", "DIM", "4", "EPOCHS", "1", "THREADS", "1")?.dictionary["job"]?.text)
            #expect(try await finishedJob(c, tiny, polls: 600)["state"] == .bulk("done"))
            #expect(c.command("SCORE", g, "n0", "r", "MODEL", "tiny", "TOP-K", "3")?.dictionary["answers"] != nil)
            let explain = c.command("SCORE", g, "n0", "r", "MODEL", "tiny", "EXPLAIN", "1000000")?.text
            // The daemon names its options in its own words.
            #expect(explain?.hasPrefix("ERR") == true && explain?.contains("EXPLAIN must be at most 1000") == true, "\(explain ?? "nil")")
            let topK = c.command("SCORE", g, "n0", "r", "MODEL", "tiny", "TOP-K", "100000000")?.text
            #expect(topK?.hasPrefix("ERR") == true && topK?.contains("TOP-K must be at most 10000") == true, "\(topK ?? "nil")")
            _ = try? store.drop(graph: g)
        }
    }
}
