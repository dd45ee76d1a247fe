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
