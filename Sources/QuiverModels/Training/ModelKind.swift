import QuiverCore
import QuiverKernels

/// The models `quiver train` knows.
public enum ModelKind: String, Sendable, CaseIterable, Codable {
    case nbf, distmult, complex, rotate

    public var isEmbedding: Bool { self != .nbf }
}

/// Everything that shapes a training run. Defaults are per model kind (`defaults(for:)`) and are
/// what a user who gives no options gets; each field maps to one `quiver train` option.
public struct Hyperparameters: Sendable, Codable, Equatable {
    public var model: ModelKind
    /// Embedding width (KGE: real width for DistMult, complex rank for ComplEx and RotatE), or the
    /// hidden width of the path GNN.
    public var dim: Int
    /// Message-passing layers (path GNN only).
    public var layers: Int
    public var epochs: Int
    public var learningRate: Double
    public var batch: Int
    /// Negative samples per positive; 0 scores every entity (1-N) with a softmax cross-entropy.
    public var negatives: Int
    public var optimizer: Optimizer.Kind
    /// N3 weight for DistMult and ComplEx (Lacroix et al. 2018); L2 weight for RotatE; weight decay
    /// for the path GNN.
    public var regularization: Double
    public var labelSmoothing: Double
    /// Stop after this many validations without a better validation MRR.
    public var patience: Int
    /// Validate every this many epochs.
    public var validateEvery: Int
    public var seed: UInt64
    public var threads: Int
    /// Wall-clock seconds the training may take (`--time-budget`): past them it validates the
    /// parameters it has and stops, keeping the best; nil: no budget.
    public var timeBudgetSeconds: Double? = nil

    enum CodingKeys: String, CodingKey {
        case model, dim, layers, epochs, batch, negatives, optimizer, regularization, patience, seed, threads
        case learningRate = "lr", labelSmoothing = "label_smoothing", validateEvery = "validate_every"
        case timeBudgetSeconds = "time_budget_seconds"
    }

    /// Entities past which an embedding model's defaults switch from scoring every entity per
    /// query (1-N) to sampled negatives: 1-N costs entities × dim per query, which on WN18RR
    /// (40,943 entities) is an epoch of about half an hour on two cores.
    public static let oneToNEntityLimit = 5000

    /// The defaults fitted to a graph of `entities` and `relations` (reciprocals included): for
    /// an embedding model on a big graph, sampled negatives (256 per positive), batches of 1,024,
    /// width 200 (less where that would not fit three quarters of `budget`, the rest left for the
    /// graph and the evaluation), learning rate 0.05 and (DistMult, ComplEx) N3 weight 0.1,
    /// unless the user set them (`given`, by option name). A description of what changed, or nil
    /// when nothing did.
    public mutating func fit(entities: Int, relations: Int = 0, given: Set<String>, budget: MemoryBudget = .current) -> String? {
        guard model.isEmbedding, entities > Self.oneToNEntityLimit else { return nil }
        var changed: [String] = []
        if !given.contains("negatives") && negatives == 0 { negatives = 256; changed.append("256 sampled negatives per positive instead of scoring all \(entities) entities") }
        if !given.contains("batch") && batch < 1024 { batch = 1024; changed.append("batches of 1024") }
        if !given.contains("dim") {
            let before = dim
            dim = min(dim, 200)
            // The widest of these whose parameters and optimizer state fit (a 1M-entity graph
            // at width 200 would need 8.2 GiB).
            for width in [200, 160, 128, 100, 80, 64, 50, 32, 16] where width <= dim {
                dim = width
                if trainingMemory(entities: entities, relations: relations).total <= budget.bytes * 0.75 { break }
            }
            if dim != before {
                changed.append(dim == 200 ? "width 200"
                    : "width \(dim) (the widest that fits 3/4 of the \(MemoryBudget.describe(budget.bytes)) memory budget, QUIVER_TRAIN_MEMORY_GIB)")
            }
        }
        if !given.contains("lr") && negatives > 0 && model != .rotate { learningRate = 0.05; changed.append("learning rate 0.05") }
        // Tuned on WN18RR's valid split: N3 at 0.01 stalled at MRR 0.443 after ten epochs; 0.05
        // and 0.1 reached 0.457 in the same six minutes, 0.1 still rising.
        if !given.contains("regularization") && negatives > 0 && model != .rotate && regularization < 0.1 {
            regularization = 0.1
            changed.append("N3 weight 0.1")
        }
        if model.isEmbedding, entities > Self.sampledValidationEntities {
            changed.append("validation during training on a seeded sample of \(Self.validationSampleSize) valid facts (the final metrics rank them all unless --time-budget leaves too little time)")
        }
        return changed.isEmpty ? nil : "a graph of \(entities) entities: " + changed.joined(separator: ", ")
    }

    public static func defaults(for model: ModelKind) -> Hyperparameters {
        switch model {
        case .distmult, .complex:
            Hyperparameters(model: model, dim: 500, layers: 0, epochs: 100, learningRate: 0.1, batch: 256, negatives: 0,
                            optimizer: .adagrad, regularization: 0.01, labelSmoothing: 0, patience: 10, validateEvery: 1,
                            seed: 1, threads: defaultKernelThreads)
        case .rotate:
            Hyperparameters(model: model, dim: 250, layers: 0, epochs: 100, learningRate: 0.01, batch: 256, negatives: 0,
                            optimizer: .adam, regularization: 0, labelSmoothing: 0, patience: 10, validateEvery: 1,
                            seed: 1, threads: defaultKernelThreads)
        case .nbf:
            Hyperparameters(model: model, dim: 32, layers: 6, epochs: 20, learningRate: 0.005, batch: 32, negatives: 0,
                            optimizer: .adam, regularization: 0, labelSmoothing: 0, patience: 3, validateEvery: 1,
                            seed: 1, threads: defaultKernelThreads)
        }
    }

    /// Entities past which validation during training ranks a seeded sample of valid: on a
    /// million entities all of a 5,000-fact valid split took almost four minutes an epoch. The
    /// metrics reported after training rank all of valid and test, as always.
    public static let sampledValidationEntities = 100_000
    public static let validationSampleSize = 1000

    /// How many of valid's facts validation during training ranks, when it ranks a sample.
    public static func validationSample(entities: Int, validFacts: Int) -> Int? {
        entities > sampledValidationEntities && validFacts > validationSampleSize ? validationSampleSize : nil
    }

    /// Queries scored at once when evaluating: the training batch for the path GNN; for KGE
    /// models as many as keep the score matrix near 256 MiB (at most 1024).
    public func evaluationBatch(entities: Int) -> Int {
        model == .nbf ? batch : max(1, min(1024, (64 << 20) / max(entities, 1)))
    }

    /// The largest sane values of options that only cost time or threads.
    public static let maximumEpochs = 1_000_000
    public static let maximumThreads = 1024

    /// `problemMessages` in the CLI's words, for callers that still pass text on.
    public func problems(budget: MemoryBudget = .current) -> [String] {
        problemMessages(budget: budget).map(\.description)
    }

    /// A setting that cannot train, worded for the user. Besides ranges, refuses a `dim` whose
    /// parameters and optimizer state alone (one entity, one relation) exceed `budget`; the
    /// estimate for the real graph is `memoryRefusal(entities:relations:budget:)`.
    public func problemMessages(budget: MemoryBudget = .current) -> [ErrorMessage] {
        var p: [ErrorMessage] = []
        if dim < 1 { p.append("dim must be at least 1") }
        if model == .nbf && layers < 1 { p.append("layers must be at least 1 for the path GNN") }
        if epochs < 1 || epochs > Self.maximumEpochs { p.append("epochs must be in 1...\(Self.maximumEpochs) (got \(epochs))") }
        // The optimizer works in Float: a rate that is not a finite Float diverges at once.
        if !(learningRate > 0) || !Float(learningRate).isFinite {
            p.append("lr must be a positive finite number below \(Float.greatestFiniteMagnitude) (got \(learningRate))")
        }
        if batch < 1 { p.append("batch must be at least 1") }
        if negatives < 0 { p.append("negatives must be 0 (score all entities) or more") }
        if model == .nbf && negatives > 0 { p.append("the path GNN scores every node; negatives must be 0") }
        if !(regularization >= 0) || !Float(regularization).isFinite {
            p.append("regularization must be a finite number of at least 0 (got \(regularization))")
        }
        if !(labelSmoothing >= 0 && labelSmoothing < 1) { p.append("label smoothing must be in [0, 1) (got \(labelSmoothing))") }
        if patience < 1 { p.append("patience must be at least 1") }
        if validateEvery < 1 { p.append("validate-every must be at least 1") }
        if threads < 1 || threads > Self.maximumThreads { p.append("threads must be in 1...\(Self.maximumThreads) (got \(threads))") }
        if dim >= 1 && (model != .nbf || layers >= 1) {
            let least = trainingMemory(entities: 1, relations: 2).parameters
            if let refusal = budget.refusal("dim \(dim) (its parameters and optimizer state alone, for one entity)", needs: least,
                                            lower: "\(option: "dim")") {
                p.append(refusal.message)
            }
        }
        return p
    }
}
