import ArgumentParser
import Foundation
import QuiverCore
import QuiverModels
import QuiverPaths
import QuiverService
import QuiverGraph
import QuiverSnapshot
import QuiverStore

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a link-prediction model on a graph's split=train facts and save it in the store.",
        discussion: """
            Models: nbf (a path GNN in the style of NBFNet), complex, distmult, rotate (KGE with
            reciprocal relations). Options left out take the model's defaults, which are meant to
            give a good model without tuning (see `quiver train --help` below and docs in README).
            Facts need split labels: load them with --split train / valid / test. Validation MRR
            (filtered, both directions) is measured every --validate-every epochs on split=valid;
            the best parameters are kept and training stops after --patience validations without
            improvement. With --seed and --threads 1 a run repeats bit for bit.

            Examples:
              quiver load kinships train.txt --split train
              quiver load kinships valid.txt --split valid
              quiver load kinships test.txt --split test
              quiver train kinships --model complex
              quiver train kinships --model nbf --name nbf-small --dim 16 --layers 4 --epochs 5 --json
            """)
    @Argument(help: "The graph.") var graph: String
    @Option(name: .customLong("model"), help: "nbf, complex, distmult or rotate.") var model = "complex"
    @Option(name: .customLong("name"), help: "Name to save the model under (default: the model kind).") var name: String?
    @Option(name: .customLong("dim"), help: "Embedding width (complex rank for ComplEx/RotatE) or GNN hidden width.") var dim: Int?
    @Option(name: .customLong("layers"), help: "GNN message-passing layers.") var layers: Int?
    @Option(name: .customLong("epochs"), help: "Most epochs to train.") var epochs: Int?
    @Option(name: .customLong("lr"), help: "Learning rate.") var lr: Double?
    @Option(name: .customLong("batch"), help: "Queries per batch.") var batch: Int?
    @Option(name: .customLong("negatives"), help: "Negative samples per positive (KGE); 0 scores every entity.") var negatives: Int?
    @Option(name: .customLong("optimizer"), help: "adam or adagrad.") var optimizer: String?
    @Option(name: .customLong("regularization"), help: "N3 weight (DistMult, ComplEx), L2 (RotatE), weight decay (nbf).") var regularization: Double?
    @Option(name: .customLong("label-smoothing"), help: "Label smoothing of the 1-N cross-entropy.") var labelSmoothing: Double?
    @Option(name: .customLong("patience"), help: "Stop after this many validations without improvement.") var patience: Int?
    @Option(name: .customLong("validate-every"), help: "Validate every N epochs.") var validateEvery: Int?
    @Option(name: .customLong("seed"), help: "Random seed.") var seed: UInt64?
    @Option(name: .customLong("threads"), help: "Worker threads (default: all cores).") var threads: Int?
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func hyperparameters() throws -> Hyperparameters {
        guard let kind = ModelKind(rawValue: model) else {
            throw ValidationError("--model must be one of \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(model)'")
        }
        var h = Hyperparameters.defaults(for: kind)
        if let dim { h.dim = dim }
        if let layers { h.layers = layers }
        if let epochs { h.epochs = epochs }
        if let lr { h.learningRate = lr }
        if let batch { h.batch = batch }
        if let negatives { h.negatives = negatives }
        if let optimizer {
            guard let o = Optimizer.Kind(rawValue: optimizer) else { throw ValidationError("--optimizer must be adam or adagrad, not '\(optimizer)'") }
            h.optimizer = o
        }
        if let regularization { h.regularization = regularization }
        if let labelSmoothing { h.labelSmoothing = labelSmoothing }
        if let patience { h.patience = patience }
        if let validateEvery { h.validateEvery = validateEvery }
        if let seed { h.seed = seed }
        if let threads { h.threads = threads }
        let problems = h.problems()
        if !problems.isEmpty { throw ValidationError(problems.joined(separator: "; ")) }
        return h
    }

    func validate() throws { _ = try hyperparameters() }

    func run() throws {
        let hyper = try hyperparameters()
        let opened = try store.open()
        let snapshot = try SnapshotLoader(store: opened).build(graph: graph)
        let bar = ProgressBar()
        let modelName = name ?? hyper.model.rawValue
        let report: TrainJSON
        do {
            var best: Double?
            report = try ModelService.train(store: opened, snapshot: snapshot, name: modelName, hyper: hyper, progress: { p in
                let done = Double(p.epoch - 1) + Double(p.batch) / Double(max(p.batches, 1))
                bar.update(label: String(format: "epoch %d/%d loss %.4f", p.epoch, p.epochs, p.loss), fraction: done / Double(p.epochs),
                           count: Int(p.triplesPerSecond * p.seconds), unit: "queries")
                if let mrr = p.validationMRR {
                    bar.finish()
                    let mark = best.map { mrr > $0 } ?? true ? " (best)" : ""
                    if mark != "" { best = mrr }
                    FileHandle.standardError.write(Data(String(format: "epoch %d: loss %.4f, %.0f queries/s, valid MRR %.4f%@\n",
                                                               p.epoch, p.loss, p.triplesPerSecond, mrr, mark).utf8))
                }
            })
        } catch let e as ModelService.Invalid { throw CLIError(message: e.description) }
        bar.finish()
        if output.json { try printJSON(report); return }
        print("trained \(report.kind) '\(report.model)' on '\(report.graph)': \(report.epochs) epochs in "
            + String(format: "%.1f s (%.0f queries/s), kept epoch %d%@", report.seconds, report.triplesPerSecond, report.bestEpoch,
                     report.stoppedEarly ? ", stopped early" : ""))
        for (label, m) in [("valid", report.valid), ("test", report.test)] {
            guard let m else { continue }
            print(String(format: "%@ (filtered, both directions): MRR %.4f  Hits@1 %.4f  Hits@3 %.4f  Hits@10 %.4f  (%d queries)",
                         label, m.mrr, m.hits1, m.hits3, m.hits10, m.count))
        }
    }
}

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a saved model by the filtered ranking protocol.",
        discussion: """
            For every triple (h, r, t) of the split, ranks t among all entities for (h, r, ?) and h for
            (t, r⁻¹, ?), after removing every other known answer from train, valid and test. Ties
            take the mean of their positions. Reports MRR and Hits@1/3/10 per direction and both
            together (the --json top level).

            Examples:
              quiver eval kinships --model complex
              quiver eval kinships --model nbf --split valid --json
            """)
    @Argument(help: "The graph.") var graph: String
    @Option(name: .customLong("model"), help: "The saved model's name.") var model: String
    @Option(name: .customLong("split"), help: "train, valid or test.") var split = "test"
    @Option(name: .customLong("threads"), help: "Worker threads (default: all cores).") var threads: Int?
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard Split.allCases.contains(where: { $0.description == split }) else { throw ValidationError("--split must be train, valid or test, not '\(split)'") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let s = Split.allCases.first { $0.description == split }!
        let opened = try store.open()
        let snapshot = try SnapshotLoader(store: opened).build(graph: graph)
        let out: EvalJSON
        do {
            let m = try ModelService.load(store: opened, snapshot: snapshot, name: model)
            out = try ModelService.evaluate(m, split: s, threads: threads)
        } catch let e as ModelService.Invalid { throw CLIError(message: e.description) }
        if output.json { try printJSON(out); return }
        print("\(out.model) on \(out.graph), split \(out.split), filtered (\(out.both.count) queries, \(String(format: "%.2f", out.seconds)) s):")
        print("direction  MRR     Hits@1  Hits@3  Hits@10  mean rank")
        for (label, m) in [("tail", out.tail), ("head", out.head), ("both", out.both)] {
            print(label.padding(toLength: 9, withPad: " ", startingAt: 0)
                + String(format: "  %.4f  %.4f  %.4f  %.4f   %.2f", m.mrr, m.hits1, m.hits3, m.hits10, m.meanRank))
        }
    }
}

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Rank the answers of (HEAD, RELATION, ?) with a saved model.",
        discussion: """
            RELATION may be written ^name to ask for heads: (?, name, HEAD). --explain N adds, per
            answer, the N paths from HEAD that contribute most to its score: for nbf by the gradient
            of the score w.r.t. each edge's weight (NBFNet's interpretation); for KGE models by how
            well each path's composed relation embeddings match the query relation. --expand ppr adds
            --expand-k more candidates (G-CRS-style) from a personalized PageRank seeded with the
            top answers.

            Examples:
              quiver score kinships person0 term7 --model complex --top-k 5
              quiver score kinships person0 term7 --model nbf --explain 3 --json
              quiver score nations usa ^embassy --model complex --expand ppr --expand-k 5
            """)
    @Argument(help: "The graph.") var graph: String
    @Argument(help: "The head entity.") var head: String
    @Argument(help: "The relation (^name for the inverse).") var relation: String
    @Option(name: .customLong("model"), help: "The saved model's name.") var model = "complex"
    @Option(name: .customLong("top-k"), help: "How many answers.") var topK = 10
    @Option(name: .customLong("explain"), help: "Supporting paths per answer.") var explain = 0
    @Option(name: .customLong("expand"), help: "ppr: propose more candidates by personalized PageRank from the answers.") var expand: String?
    @Option(name: .customLong("expand-k"), help: "How many candidates --expand proposes.") var expandK = 10
    @Option(name: .customLong("threads"), help: "Worker threads (default: all cores).") var threads: Int?
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if topK < 0 || explain < 0 || expandK < 0 { throw ValidationError("--top-k, --explain and --expand-k must be at least 0") }
        if let expand, expand != "ppr" { throw ValidationError("--expand takes ppr (the one candidate generator), not '\(expand)'") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let opened = try store.open()
        let snapshot = try SnapshotLoader(store: opened).build(graph: graph)
        let out: ScoreJSON
        do {
            let m = try ModelService.load(store: opened, snapshot: snapshot, name: model)
            out = try ModelService.score(m, snapshot: snapshot, head: head, relation: relation, topK: topK, explain: explain,
                                         expand: expand == nil ? 0 : expandK, threads: threads)
        } catch let e as ModelService.Invalid { throw CLIError(message: e.description) }
        if output.json { try printJSON(out); return }
        let width = max(6, out.answers.map(\.entity.count).max() ?? 0)
        print("(\(out.head), \(out.relation), ?) by \(out.model):")
        for a in out.answers {
            print(String(format: "%3d  ", a.rank) + a.entity.padding(toLength: width, withPad: " ", startingAt: 0)
                + String(format: "  %10.4f", a.score) + (a.known ? "  (stored fact)" : ""))
            for e in a.explanations ?? [] {
                print("       " + String(format: "%+.4f  ", e.importance) + NamedPath(nodes: e.nodes, edges: e.edges).text)
            }
        }
        if let expanded = out.expanded {
            print("more candidates by personalized PageRank from the answers:")
            for x in expanded {
                print("     " + x.entity.padding(toLength: width, withPad: " ", startingAt: 0) + String(format: "  ppr %.5f  model rank %d", x.ppr, x.rank))
            }
        }
    }
}

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List a graph's saved models, or delete one.",
        discussion: """
            Examples:
              quiver models kinships
              quiver models kinships --delete nbf-small
            """)
    @Argument(help: "The graph.") var graph: String
    @Option(name: .customLong("delete"), help: "Delete the model of this name.") var delete: String?
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    struct Entry: Encodable {
        var name: String
        var kind: String
        var bytes: Int
        var trained_at: String
        var metrics: String
    }

    func run() throws {
        let opened = try store.open()
        if let delete {
            guard try opened.deleteModel(graph: graph, name: delete) else {
                throw CLIError(message: StoreError.modelNotFound(graph: graph, name: delete).description)
            }
            if output.json { try printJSON(["deleted": delete]) } else { print("deleted model '\(delete)' of '\(graph)'") }
            return
        }
        let models = try opened.models(graph: graph)
        if output.json {
            try printJSON(models.map { Entry(name: $0.name, kind: $0.kind, bytes: $0.weightBytes, trained_at: $0.trainedAt, metrics: $0.metrics) })
            return
        }
        if models.isEmpty { print("graph '\(graph)' has no models (train one with `quiver train \(graph)`)"); return }
        for m in models {
            let test = testMRR(m.metrics).map { String(format: "test MRR %.4f", $0) } ?? "no test metrics"
            print("\(m.name)  \(m.kind)  \(grouped(m.weightBytes)) bytes  \(test)  trained \(m.trainedAt)")
        }
    }

    func testMRR(_ metrics: String) -> Double? {
        guard let o = try? JSONSerialization.jsonObject(with: Data(metrics.utf8)) as? [String: Any],
              let t = o["test"] as? [String: Any] else { return nil }
        return t["mrr"] as? Double
    }
}
