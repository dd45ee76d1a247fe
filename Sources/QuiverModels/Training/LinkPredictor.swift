import Foundation
import QuiverCore
import QuiverKernels

/// A trainable model that scores every entity as the answer of a query `(head, relation, ?)`.
public protocol LinkPredictor: Sendable {
    var kind: ModelKind { get }
    var entityCount: Int { get }
    /// Relations including reciprocals: twice the graph's.
    var relationCount: Int { get }
    var parameters: Parameters { get set }

    /// `scores[q, e]` for every query and entity (higher is more plausible).
    func scores(heads: [Int32], relations: [Int32], threads: Int) -> Matrix

    /// The mean loss of a batch and its gradient w.r.t. every parameter. `random` draws negative
    /// samples where the model uses them.
    func lossAndGradients(_ batch: [TrainingExample], random: inout SeededRandom, threads: Int) -> (loss: Float, gradients: Parameters)

    /// `lossAndGradients` naming only the rows the batch touched, where the model knows them
    /// (what training applies).
    func lossAndRowGradients(_ batch: [TrainingExample], random: inout SeededRandom, threads: Int) -> (loss: Float, gradients: RowGradients)
}

extension LinkPredictor {
    public func lossAndRowGradients(_ batch: [TrainingExample], random: inout SeededRandom, threads: Int) -> (loss: Float, gradients: RowGradients) {
        let (loss, g) = lossAndGradients(batch, random: &random, threads: threads)
        return (loss, RowGradients(dense: g))
    }
}

/// A training query with every answer it is trained towards: one for KGE models (one example per
/// triple and direction), all training answers of `(head, relation)` for the path GNN.
public struct TrainingExample: Sendable, Hashable {
    public var head: Int32
    public var relation: Int32
    public var answers: [Int32]

    public init(head: Int32, relation: Int32, answers: [Int32]) {
        self.head = head
        self.relation = relation
        self.answers = answers
    }
}

/// Softmax cross-entropy of each row of `scores` against a target distribution spread evenly over
/// the row's answers (mixed with `smoothing` of the uniform distribution). Returns the mean loss
/// and d loss / d scores (already divided by the row count).
func softmaxCrossEntropy(_ scores: Matrix, answers: [[Int32]], smoothing: Float) -> (Float, Matrix) {
    let n = scores.cols, rows = scores.rows
    var grad = Matrix(rows: rows, cols: n)
    var total: Double = 0
    let inv = 1 / Float(max(rows, 1))
    for b in 0 ..< rows {
        let row = b * n
        var m = -Float.greatestFiniteMagnitude
        for j in 0 ..< n { m = max(m, scores.values[row + j]) }
        var z: Float = 0
        for j in 0 ..< n {
            let e = expf(scores.values[row + j] - m)
            grad.values[row + j] = e
            z += e
        }
        let logZ = logf(z) + m
        let uniform = smoothing / Float(n)
        let share = (1 - smoothing) / Float(max(answers[b].count, 1))
        var loss: Float = 0
        for j in 0 ..< n {
            grad.values[row + j] = grad.values[row + j] / z * inv - uniform * inv
            if uniform > 0 { loss -= uniform * (scores.values[row + j] - logZ) }
        }
        for a in answers[b] {
            grad.values[row + Int(a)] -= share * inv
            loss -= share * (scores.values[row + Int(a)] - logZ)
        }
        total += Double(loss)
    }
    return (Float(total / Double(max(rows, 1))), grad)
}

/// `log(1 + e^x)` without overflow.
@inline(__always) func softplus(_ x: Float) -> Float { x > 0 ? x + log1pf(expf(-x)) : log1pf(expf(x)) }
@inline(__always) func sigmoid(_ x: Float) -> Float { x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x)) }

extension SeededRandom {
    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Float {
        let u1 = max(unit(), 1e-300), u2 = unit()
        return Float((-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
