import Foundation
import Testing

@Suite("Size limits from the command line", .serialized, .enabled(if: CLI.executable != nil,
    "the quiver executable was not found next to the test bundle; build it (swift build --build-tests) first"))
struct SizeLimitCLITests {
    @Test("augment refuses a billion synthetic entities with exit 1 and the estimate, before allocating")
    func hugeSyntheticAugment() throws {
        let out = NSTemporaryDirectory() + "/quiver-cli-huge-\(UInt32.random(in: 0...UInt32.max))"
        let run = try CLI.run(["augment", "--synthetic", "--entities", "1000000000", "--out", out], dataDir: false)
        #expect(run.status == 1 && run.stderr.contains("--entities") && run.stderr.contains("GiB"), "\(run.status): \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("train refuses an absurd --lr and stops a diverging run with a clear message, saving nothing")
    func absurdAndDivergingLearningRates() throws {
        let g = "cli-limits-nations"
        for split in ["train", "valid", "test"] {
            let load = try CLI.run(["load", g, Datasets.path("nations", split), "--split", split])
            #expect(load.status == 0, "\(load.stderr)")
        }
        let absurd = try CLI.run(["train", g, "--lr", "1e308"])
        #expect(absurd.status == 2 && absurd.stderr.contains("lr must be a positive finite number"), "\(absurd.status): \(absurd.stderr)")
        let nan = try CLI.run(["train", g, "--regularization", "nan"])
        #expect(nan.status != 0 && nan.stderr.contains("regularization"), "\(nan.status): \(nan.stderr)")
        let diverging = try CLI.run(["train", g, "--model", "distmult", "--name", "diverged", "--dim", "8", "--epochs", "3",
                                     "--lr", "1e30", "--threads", "1"])
        #expect(diverging.status == 1 && diverging.stderr.contains("diverged at epoch") && diverging.stderr.contains("lower --lr"),
                "\(diverging.status): \(diverging.stderr)")
        let dim = try CLI.run(["train", g, "--dim", "1000000", "--epochs", "1"])
        #expect(dim.status == 1 && dim.stderr.contains("--dim") && dim.stderr.contains("GiB"), "\(dim.status): \(dim.stderr)")
        #expect(try CLI.run(["models", g, "--json"]).stdout.contains("diverged") == false)
        #expect(try CLI.run(["drop", g]).status == 0)
    }
}
