import Foundation
import QuiverCore
import QuiverKernels

/// DistMult, ComplEx and RotatE with reciprocal relations, in the layouts of `KGEScores`:
/// entities `N × D` (DistMult) or `N × 2k` (ComplEx, RotatE: real | imaginary halves); relations
/// `2R × D`, `2R × 2k`, or `2R × k` phases (RotatE).
///
/// Training either scores every entity (1-N, softmax cross-entropy; `negatives == 0`), or, with
/// `negatives` > 0, a softmax over the batch's answers and that many uniformly drawn entities
/// (DistMult, ComplEx) or binary cross-entropy over `negatives` corruptions per positive (RotatE).
/// Regularisation: N3 on
/// the factors of each example (Lacroix et al. 2018) for DistMult and ComplEx, L2 for RotatE.
public struct EmbeddingModel: LinkPredictor {
    public let kind: ModelKind
    public let entityCount: Int
    public let relationCount: Int
    public var parameters: Parameters
    public let hyper: Hyperparameters

    var scoreModel: KGEModel {
        switch kind {
        case .distmult: .distMult
        case .complex: .complEx
        case .rotate: .rotatE
        case .nbf: preconditionFailure("not an embedding model")
        }
    }

    /// Fresh parameters: ComplEx and DistMult as Lacroix et al. (normal × 1e-3); RotatE entities
    /// uniform in ±(γ + 2)/k with γ = 9 (Sun et al.), phases uniform in [−π, π).
    public init(entityCount: Int, relationCount: Int, hyper: Hyperparameters, random: inout SeededRandom) {
        precondition(hyper.model.isEmbedding)
        kind = hyper.model
        self.entityCount = entityCount
        self.relationCount = relationCount
        self.hyper = hyper
        let k = hyper.dim
        var e: Matrix, r: Matrix
        switch kind {
        case .distmult:
            e = Matrix(rows: entityCount, cols: k); r = Matrix(rows: relationCount, cols: k)
        case .complex:
            e = Matrix(rows: entityCount, cols: 2 * k); r = Matrix(rows: relationCount, cols: 2 * k)
        default:
            e = Matrix(rows: entityCount, cols: 2 * k); r = Matrix(rows: relationCount, cols: k)
        }
        if kind == .rotate {
            let bound = Float(9.0 + 2.0) / Float(k)
            for i in e.values.indices { e.values[i] = (Float(random.unit()) * 2 - 1) * bound }
            for i in r.values.indices { r.values[i] = (Float(random.unit()) * 2 - 1) * Float.pi }
        } else {
            for i in e.values.indices { e.values[i] = random.normal() * 1e-3 }
            for i in r.values.indices { r.values[i] = random.normal() * 1e-3 }
        }
        parameters = Parameters([("entity", e), ("relation", r)])
    }

    public init(kind: ModelKind, entityCount: Int, relationCount: Int, hyper: Hyperparameters, parameters: Parameters) {
        self.kind = kind
        self.entityCount = entityCount
        self.relationCount = relationCount
        self.hyper = hyper
        self.parameters = parameters
    }

    var entities: Matrix { parameters.tensors[0] }
    var relations: Matrix { parameters.tensors[1] }

    public func scores(heads: [Int32], relations rel: [Int32], threads: Int) -> Matrix {
        KGEScores.tails(model: scoreModel, entities: entities, relations: relations, heads: heads, relationIDs: rel, threads: threads)
    }

    public func lossAndGradients(_ batch: [TrainingExample], random: inout SeededRandom, threads: Int) -> (loss: Float, gradients: Parameters) {
        let (loss, g) = lossAndRowGradients(batch, random: &random, threads: threads)
        return (loss, g.dense(like: parameters))
    }

    /// The gradients of the rows the batch touched: with sampled negatives, its heads, relations,
    /// answers and candidates; scoring every entity (1-N), every entity row.
    public func lossAndRowGradients(_ batch: [TrainingExample], random: inout SeededRandom, threads: Int) -> (loss: Float, gradients: RowGradients) {
        let heads = batch.map(\.head), rels = batch.map(\.relation)
        let E = entities, R = relations
        let q = KGEScores.queries(model: scoreModel, entities: E, relations: R, heads: heads, relationIDs: rels)
        var gE = hyper.negatives == 0 ? RowGradient(denseRows: E.rows, cols: E.cols) : RowGradient(sparseCols: E.cols)
        var gR = RowGradient(sparseCols: R.cols)
        var gq: Matrix
        var loss: Float
        if hyper.negatives == 0 {
            let s = kind == .rotate ? scores(heads: heads, relations: rels, threads: threads) : Dense.matmul(q, transposing: E, threads: threads)
            let (l, gS) = softmaxCrossEntropy(s, answers: batch.map(\.answers), smoothing: Float(hyper.labelSmoothing))
            loss = l
            if kind == .rotate {
                gq = Matrix(rows: q.rows, cols: q.cols)
                for b in 0 ..< q.rows {
                    for t in 0 ..< entityCount {
                        let g = gS.values[b * entityCount + t]
                        if g != 0 { rotatEDistanceGradient(q, b, t: Int32(t), scale: g, gq: &gq, gE: &gE) }
                    }
                }
            } else {
                gq = Dense.matmul(gS, E, threads: threads)
                gE = RowGradient(dense: Dense.matmul(transposing: gS, q, threads: threads))
            }
        } else if kind == .rotate {
            (loss, gq) = negativeSampling(batch, q: q, gE: &gE, random: &random)
        } else {
            (loss, gq) = sampledSoftmax(batch, q: q, gE: &gE, random: &random, threads: threads)
        }
        backpropagateQueries(gq, heads: heads, relations: rels, gE: &gE, gR: &gR)
        loss += regularize(batch, gE: &gE, gR: &gR)
        return (loss, RowGradients([gE, gR]))
    }

    /// Softmax cross-entropy over a candidate set the batch shares: its answers and `negatives`
    /// entities drawn uniformly (each query's other candidates are its negatives). The 1-N loss
    /// restricted to those candidates, so it needs a batch × candidates score matrix, not batch ×
    /// entities, and runs as three matrix products (scores, and the two gradients).
    private func sampledSoftmax(_ batch: [TrainingExample], q: Matrix, gE: inout RowGradient, random: inout SeededRandom,
                                threads: Int) -> (Float, Matrix) {
        var candidates: [Int32] = []
        var column: [Int32: Int] = [:]
        func add(_ e: Int32) {
            if column[e] == nil { column[e] = candidates.count; candidates.append(e) }
        }
        for ex in batch { for a in ex.answers { add(a) } }
        for _ in 0 ..< hyper.negatives { add(Int32(random.below(entityCount))) }
        let D = q.cols, E = entities
        var c = Matrix(rows: candidates.count, cols: D)
        for (i, e) in candidates.enumerated() {
            let from = Int(e) * D, to = i * D
            for d in 0 ..< D { c.values[to + d] = E.values[from + d] }
        }
        let scores = Dense.matmul(q, transposing: c, threads: threads)
        let (loss, gS) = softmaxCrossEntropy(scores, answers: batch.map { $0.answers.map { Int32(column[$0]!) } },
                                             smoothing: Float(hyper.labelSmoothing))
        let gq = Dense.matmul(gS, c, threads: threads)
        let gc = Dense.matmul(transposing: gS, q, threads: threads)
        for (i, e) in candidates.enumerated() {
            let to = gE.offset(e), from = i * D
            for d in 0 ..< D { gE.values[to + d] += gc.values[from + d] }
        }
        return (loss, gq)
    }

    /// Binary cross-entropy with logits over each positive and `negatives` uniform corruptions of
    /// its answer; mean over positives (RotatE, whose distance score is no dot product).
    private func negativeSampling(_ batch: [TrainingExample], q: Matrix, gE: inout RowGradient, random: inout SeededRandom) -> (Float, Matrix) {
        var gq = Matrix(rows: q.rows, cols: q.cols)
        var total: Double = 0
        let inv = 1 / Float(batch.count)
        let D = q.cols
        for (b, ex) in batch.enumerated() {
            for answer in ex.answers {
                for j in 0 ... hyper.negatives {
                    let t = j == 0 ? answer : Int32(random.below(entityCount))
                    let label: Float = j == 0 ? 1 : 0
                    let s = score(q, b, t)
                    total += Double(label == 1 ? softplus(-s) : softplus(s))
                    let g = (sigmoid(s) - label) * inv
                    if kind == .rotate {
                        rotatEDistanceGradient(q, b, t: t, scale: g, gq: &gq, gE: &gE)
                    } else {
                        let qb = b * D, tb = Int(t) * D, gt = gE.offset(t)
                        for d in 0 ..< D {
                            gq.values[qb + d] += g * entities.values[tb + d]
                            gE.values[gt + d] += g * q.values[qb + d]
                        }
                    }
                }
            }
        }
        return (Float(total) * inv, gq)
    }

    private func score(_ q: Matrix, _ b: Int, _ t: Int32) -> Float {
        let D = q.cols, qb = b * D, tb = Int(t) * D
        if kind == .rotate {
            let k = D / 2
            var s: Float = 0
            for d in 0 ..< k {
                let re = q.values[qb + d] - entities.values[tb + d], im = q.values[qb + k + d] - entities.values[tb + k + d]
                s -= (re * re + im * im).squareRoot()
            }
            return s
        }
        var s: Float = 0
        for d in 0 ..< D { s += q.values[qb + d] * entities.values[tb + d] }
        return s
    }

    /// Adds `scale ×` the gradient of the RotatE score `−Σ_k |q_k − t_k|` w.r.t. query row `b` and
    /// entity `t`.
    private func rotatEDistanceGradient(_ q: Matrix, _ b: Int, t: Int32, scale: Float, gq: inout Matrix, gE: inout RowGradient) {
        let D = q.cols, k = D / 2, qb = b * D, tb = Int(t) * D, gt = gE.offset(t)
        let E = entities
        for d in 0 ..< k {
            let re = q.values[qb + d] - E.values[tb + d], im = q.values[qb + k + d] - E.values[tb + k + d]
            let m = max((re * re + im * im).squareRoot(), 1e-9)
            let gre = -re / m * scale, gim = -im / m * scale
            gq.values[qb + d] += gre; gq.values[qb + k + d] += gim
            gE.values[gt + d] -= gre; gE.values[gt + k + d] -= gim
        }
    }

    /// From d loss / d query vector to the head entity and relation rows.
    private func backpropagateQueries(_ gq: Matrix, heads: [Int32], relations rel: [Int32], gE: inout RowGradient, gR: inout RowGradient) {
        let E = entities, R = relations
        let D = E.cols, k = D / 2
        for b in 0 ..< heads.count {
            let hb = Int(heads[b]) * D, rb = Int(rel[b]) * R.cols, qb = b * D
            let gh = gE.offset(heads[b]), gr = gR.offset(rel[b])
            switch kind {
            case .distmult:
                for d in 0 ..< D {
                    let g = gq.values[qb + d]
                    gE.values[gh + d] += g * R.values[rb + d]
                    gR.values[gr + d] += g * E.values[hb + d]
                }
            case .complex:
                for d in 0 ..< k {
                    let gre = gq.values[qb + d], gim = gq.values[qb + k + d]
                    let hre = E.values[hb + d], him = E.values[hb + k + d]
                    let rre = R.values[rb + d], rim = R.values[rb + k + d]
                    // q = h·r: q_re = h_re r_re − h_im r_im, q_im = h_re r_im + h_im r_re.
                    gE.values[gh + d] += gre * rre + gim * rim
                    gE.values[gh + k + d] += -gre * rim + gim * rre
                    gR.values[gr + d] += gre * hre + gim * him
                    gR.values[gr + k + d] += -gre * him + gim * hre
                }
            case .rotate:
                for d in 0 ..< k {
                    let gre = gq.values[qb + d], gim = gq.values[qb + k + d]
                    let hre = E.values[hb + d], him = E.values[hb + k + d]
                    let c = cosf(R.values[rb + d]), sn = sinf(R.values[rb + d])
                    // q = h·e^{iθ}: q_re = h_re c − h_im s, q_im = h_re s + h_im c.
                    gE.values[gh + d] += gre * c + gim * sn
                    gE.values[gh + k + d] += -gre * sn + gim * c
                    let qre = hre * c - him * sn, qim = hre * sn + him * c
                    gR.values[gr + d] += -gre * qim + gim * qre
                }
            case .nbf:
                break
            }
        }
    }

    /// Adds the regulariser's gradient; returns its value. N3 (DistMult, ComplEx): weight/batch ×
    /// Σ over each example's head, relation and answers of Σ |x|³ (complex moduli for ComplEx).
    /// L2 (RotatE): weight/batch × the same factors' squared norms (entities only).
    private func regularize(_ batch: [TrainingExample], gE: inout RowGradient, gR: inout RowGradient) -> Float {
        let w = Float(hyper.regularization)
        guard w > 0 else { return 0 }
        let scale = w / Float(batch.count)
        var total: Float = 0
        func entityTerm(_ row: Int32, _ m: Matrix, _ g: inout RowGradient, complex: Bool, cube: Bool) {
            let D = m.cols, base = Int(row) * D, at = g.offset(row)
            if complex {
                let k = D / 2
                for d in 0 ..< k {
                    let re = m.values[base + d], im = m.values[base + k + d]
                    let mod2 = re * re + im * im
                    if cube {
                        let mod = mod2.squareRoot()
                        total += scale * mod2 * mod
                        g.values[at + d] += scale * 3 * mod * re
                        g.values[at + k + d] += scale * 3 * mod * im
                    } else {
                        total += scale * mod2
                        g.values[at + d] += scale * 2 * re
                        g.values[at + k + d] += scale * 2 * im
                    }
                }
            } else {
                for d in 0 ..< D {
                    let x = m.values[base + d]
                    total += scale * abs(x) * x * x
                    g.values[at + d] += scale * 3 * abs(x) * x
                }
            }
        }
        let E = entities, R = relations
        for ex in batch {
            switch kind {
            case .distmult, .complex:
                let c = kind == .complex
                entityTerm(ex.head, E, &gE, complex: c, cube: true)
                entityTerm(ex.relation, R, &gR, complex: c, cube: true)
                for a in ex.answers { entityTerm(a, E, &gE, complex: c, cube: true) }
            case .rotate:
                entityTerm(ex.head, E, &gE, complex: true, cube: false)
                for a in ex.answers { entityTerm(a, E, &gE, complex: true, cube: false) }
            case .nbf:
                break
            }
        }
        return total
    }
}
