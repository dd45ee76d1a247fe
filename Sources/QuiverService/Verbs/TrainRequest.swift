import Foundation
import QuiverCore
import QuiverModels
import Synchronization

/// `quiver train` / `TRAIN`: a link-prediction model trained on a graph's split=train facts and
/// saved in the store; the daemon runs it as a job.
public struct TrainRequest: Verb {
    public static let spec = VerbSpec(
        "train", summary: "Train a link-prediction model on a graph's split=train facts and save it in the store.",
        discussion: """
            Models: nbf (a path GNN in the style of NBFNet), complex, distmult, rotate (KGE with
            reciprocal relations). Options left out take the model's defaults, which are meant to
            give a good model without tuning. Facts need split labels: load them with --split train /
            valid / test. Validation MRR (filtered, both directions) is measured every --validate-every
            epochs on split=valid; the best parameters are kept and training stops after --patience
            validations without improvement. With --seed and --threads 1 a run repeats bit for bit.

            Embedding models on a graph of more than 5,000 entities default to 256 sampled negatives per
            positive, batches of 1,024, width 200, learning rate 0.05 and N3 weight 0.1 (scoring every entity per query
            would make an epoch take hours); training says so, and options given keep their values.
            """,
        positionals: [PositionalSpec("graph", "The graph.")],
        options: [
            OptionSpec("model", .choice(ModelKind.allCases.map(\.rawValue)), value: "m", help: "The model.", default: "complex"),
            OptionSpec("name", .text, value: "n", help: "Name to save the model under (default: the model kind)."),
            OptionSpec("dim", .integer, value: "d", help: "Embedding width (complex rank for ComplEx/RotatE) or GNN hidden width."),
            OptionSpec("layers", .integer, value: "l", help: "GNN message-passing layers."),
            OptionSpec("epochs", .integer, value: "e", help: "Most epochs to train."),
            OptionSpec("lr", .number, value: "x", help: "Learning rate."),
            OptionSpec("batch", .integer, value: "b", help: "Queries per batch."),
            OptionSpec("negatives", .integer, value: "k", help: "Negative samples per positive (KGE); 0 scores every entity."),
            OptionSpec("optimizer", .choice(["adam", "adagrad"]), value: "o", help: "adam or adagrad."),
            OptionSpec("regularization", .number, value: "x", help: "N3 weight (DistMult, ComplEx), L2 (RotatE), weight decay (nbf)."),
            OptionSpec("label-smoothing", .number, value: "x", help: "Label smoothing of the 1-N cross-entropy."),
            OptionSpec("patience", .integer, value: "p", help: "Stop after this many validations without improvement."),
            OptionSpec("validate-every", .integer, value: "n", help: "Validate every N epochs."),
            OptionSpec("seed", .text, value: "s", help: "Random seed."),
            OptionSpec("threads", .integer, value: "t", help: "Worker threads (default: all cores)."),
            OptionSpec("time-budget", .text, value: "d", help: "Wall-clock time the training may take (90s, 15m, 1h): past it the parameters it has are validated and the best kept. Without --epochs, epochs run until then (or until --patience stops them). The final valid and test metrics share what is left of it: a split too big to rank whole in its part is ranked on a seeded sample, and the report says so (quiver eval ranks it all)."),
        ],
        examples: [
            "load kinships train.txt --split train", "load kinships valid.txt --split valid", "load kinships test.txt --split test",
            "train kinships --model complex", "train kinships --model nbf --name nbf-small --dim 16 --layers 4 --epochs 5 --json",
        ],
        group: "models", writes: true)

    public var graph: String
    public var name: String
    public var hyper: Hyperparameters
    /// The options the user gave: the defaults fitted to the graph's size leave them alone.
    public var given: Set<String> = []

    public init(_ args: ParsedArguments) throws(RequestError) {
        graph = args.positional("graph") ?? ""
        let kind = try args.choice("model", as: ModelKind.self) ?? .complex
        var h = Hyperparameters.defaults(for: kind)
        if let v = try args.integer("dim") { h.dim = v }
        if let v = try args.integer("layers") { h.layers = v }
        if let v = try args.integer("epochs") { h.epochs = v }
        if let v = try args.number("lr") { h.learningRate = v }
        if let v = try args.integer("batch") { h.batch = v }
        if let v = try args.integer("negatives") { h.negatives = v }
        if let v = try args.choice("optimizer", as: Optimizer.Kind.self) { h.optimizer = v }
        if let v = try args.number("regularization") { h.regularization = v }
        if let v = try args.number("label-smoothing") { h.labelSmoothing = v }
        if let v = try args.integer("patience") { h.patience = v }
        if let v = try args.integer("validate-every") { h.validateEvery = v }
        if let v = args.text("seed") {
            guard let s = UInt64(v) else { throw .usage("\(option: "seed") must be a non-negative integer, not '\(v)'") }
            h.seed = s
        }
        if let v = try args.integer("threads") { h.threads = v }
        if let text = args.text("time-budget") {
            guard let seconds = Self.seconds(text), seconds > 0 else {
                throw .usage("\(option: "time-budget") must be a duration such as 90s, 15m or 1h, not '\(text)'")
            }
            h.timeBudgetSeconds = seconds
            if args.text("epochs") == nil { h.epochs = Hyperparameters.maximumEpochs }
        }
        for option in ["dim", "batch", "negatives", "lr", "epochs", "regularization"] where args.text(option) != nil { given.insert(option) }
        let problems = h.problemMessages()
        if let first = problems.first { throw .usage(problems.dropFirst().reduce(first) { $0 + "; " + $1 }) }
        hyper = h
        name = args.text("name") ?? kind.rawValue
    }

    public func run(in context: any GraphContext) throws -> JobAnswer<TrainJSON> {
        let (graph, name, hyper) = (self.graph, self.name, self.hyper)
        let given = self.given
        return try context.job(kind: "train", graph: graph, foreground: false) { progress in
            let snapshot = try context.snapshot(graph)
            var hyper = hyper
            if let fitted = hyper.fit(entities: snapshot.nodeCount, relations: 2 * snapshot.relationCount, given: given) { progress.note("defaults fitted to " + fitted) }
            let best = BestSoFar()
            return try ModelService.train(store: context.store, snapshot: snapshot, name: name, hyper: hyper, progress: { p in
                let done = Double(p.epoch - 1) + Double(p.batch) / Double(max(p.batches, 1))
                // With a time budget and no --epochs, the budget is what bounds the run: the
                // epoch count has no total, and the fraction done is the time spent.
                let unbounded = hyper.timeBudgetSeconds != nil && p.epochs == Hyperparameters.maximumEpochs
                let epochText = unbounded ? "epoch \(p.epoch)" : "epoch \(p.epoch)/\(p.epochs)"
                var fraction = done / Double(p.epochs)
                if let budget = hyper.timeBudgetSeconds { fraction = max(fraction, min(1, p.seconds / budget)) }
                progress.report(epochText + String(format: " loss %.4f", p.loss), fraction: fraction,
                                items: p.queries, unit: "queries")
                if p.epochEnded {
                    // One line per epoch, also when standard error is no terminal (a log shows the job is alive).
                    var left = p.seconds / Double(p.epoch) * Double(p.epochs - p.epoch)
                    if let budget = hyper.timeBudgetSeconds { left = min(left, max(0, budget - p.seconds)) }
                    let eta = p.epoch < p.epochs ? ", ETA " + durationText(left) + " at most" : ""
                    var line = epochText + String(format: ": loss %.4f, %.0f queries/s, %.1f s", p.loss, p.triplesPerSecond, p.seconds) + eta
                    if let mrr = p.validationMRR { line += String(format: ", valid MRR %.4f", mrr) + (best.improves(mrr) ? " (best)" : "") }
                    progress.note(line)
                }
            }, shouldStop: { progress.isCancelled })
        }
    }

    public func text(_ answer: JobAnswer<TrainJSON>) -> String {
        answer.text { report in
            var lines = ["trained \(report.kind) '\(report.model)' on '\(report.graph)': \(report.epochs) epochs in "
                + String(format: "%.1f s (%.0f queries/s), kept epoch %d%@", report.seconds, report.triplesPerSecond, report.bestEpoch,
                         report.stoppedAtTimeBudget ? ", stopped at the time budget" : report.stoppedEarly ? ", stopped early" : "")]
            for (label, m, sampled) in [("valid", report.valid, report.validSampled), ("test", report.test, report.testSampled)] {
                guard let m else { continue }
                lines.append(String(format: "%@ (filtered, both directions): MRR %.4f  Hits@1 %.4f  Hits@3 %.4f  Hits@10 %.4f  (%d queries)",
                                    label, m.mrr, m.hits1, m.hits3, m.hits10, m.count)
                             + (sampled.map { ", on a seeded sample of \($0) facts to fit --time-budget (quiver eval \(report.graph) --model \(report.model) --split \(label) ranks them all)" } ?? ""))
            }
            return lines.joined(separator: "\n")
        }
    }
}

extension TrainRequest {
    /// `90`, `90s`, `15m`, `1h`, `1.5h` in seconds.
    static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("min", 60), ("h", 3600)]
        for (suffix, factor) in units.sorted(by: { $0.0.count > $1.0.count }) where t.hasSuffix(suffix) {
            return Double(t.dropLast(suffix.count)).map { $0 * factor }
        }
        return Double(t)
    }
}

/// `1:02:03` or `2:03`.
func durationText(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
}

/// The best validation MRR so far, as the progress callback sees epochs go by.
private final class BestSoFar: Sendable {
    private let best = Mutex<Double?>(nil)
    func improves(_ mrr: Double) -> Bool {
        best.withLock { b in
            guard b.map({ mrr > $0 }) ?? true else { return false }
            b = mrr
            return true
        }
    }
}
