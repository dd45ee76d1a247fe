import QuiverCore

/// What a training run holds at its peak, in bytes: computed in floating point from the options
/// and the graph's size before anything is allocated, so that an absurd request is refused
/// instead of aborting the process (and no product can overflow `Int`).
public struct TrainingMemory: Sendable, Equatable {
    /// The parameters with everything of their size that lives as long: gradients, optimizer
    /// moments (one for Adagrad, two for Adam), the best epoch's copy and the copy an update makes.
    public var parameters: Double
    /// One batch's activations and score matrices.
    public var batch: Double
    /// Which option to lower when the batch is what does not fit.
    public var batchRemedy: ErrorMessage

    public var total: Double { parameters + batch }
}

extension Hyperparameters {
    /// Trainable numbers for `entities` and `relations` (reciprocals included), as
    /// `EmbeddingModel` and `PathGNN.initialParameters` lay them out.
    public func parameterCount(entities: Int, relations: Int) -> Double {
        let n = Double(entities), r = Double(relations), d = Double(dim)
        switch model {
        case .distmult: return (n + r) * d
        case .complex: return (n + r) * 2 * d
        case .rotate: return n * 2 * d + r * d
        case .nbf:
            let perLayer = d * r * d + r * d + 2 * d * d + 3 * d
            return r * d + Double(layers) * perLayer + 4 * d * d + 4 * d + 1
        }
    }

    /// The peak of a training run on `entities` and `relations` (reciprocals included).
    public func trainingMemory(entities: Int, relations: Int) -> TrainingMemory {
        let float = 4.0
        let copies = 4.0 + (optimizer == .adam ? 2 : 1)
        let parameters = parameterCount(entities: entities, relations: relations) * float * copies
        let n = Double(entities), r = Double(relations), b = Double(batch), d = Double(dim)
        switch model {
        case .nbf:
            // About eight `entities × batch × dim` tensors per layer are kept for the backward pass.
            let l = Double(layers)
            return TrainingMemory(parameters: parameters, batch: float * n * b * d * (8 * l + 6) + float * 2 * r * b * d * l,
                                  batchRemedy: "\(option: "batch") or \(option: "dim")")
        default:
            let columns = model == .distmult ? d : 2 * d
            // The query vectors and their gradients, then 1-N: a few `batch × entities` score
            // matrices; with negatives, the sampled scores per positive.
            let queries = float * 2 * b * columns
            let scores = negatives > 0 ? float * 4 * b * Double(negatives + 1) * d : float * 4 * b * n
            let remedy: ErrorMessage = queries >= scores ? "\(option: "dim") or \(option: "batch")"
                : negatives > 0 ? "\(option: "negatives") or \(option: "batch")" : "\(option: "batch"), or use \(option: "negatives")"
            return TrainingMemory(parameters: parameters, batch: queries + scores, batchRemedy: remedy)
        }
    }

    /// Nil when training on `entities` and `relations` (reciprocals included) fits `budget`;
    /// otherwise the refusal: the estimate, the limit and the option to lower.
    public func memoryRefusal(entities: Int, relations: Int, budget: MemoryBudget = .current) -> MemoryRefusal? {
        let m = trainingMemory(entities: entities, relations: relations)
        let what = "training \(model.rawValue) with dim \(dim) and batch \(batch) on \(entities) entities and \(relations / 2) relations "
            + "(parameters and optimizer state \(MemoryBudget.describe(m.parameters)), one batch \(MemoryBudget.describe(m.batch)))"
        return budget.refusal(what, needs: m.total, lower: m.parameters >= m.batch ? "\(option: "dim")" : m.batchRemedy)
    }

    /// `memoryRefusal` in the CLI's words, for callers that still pass text on.
    public func memoryProblem(entities: Int, relations: Int, budget: MemoryBudget = .current) -> String? {
        memoryRefusal(entities: entities, relations: relations, budget: budget)?.description
    }
}
