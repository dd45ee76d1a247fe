import Foundation
import QuiverCore
import QuiverKernels

/// A path GNN in the style of NBFNet (Zhu et al. 2021): generalized Bellman–Ford message passing
/// conditioned on the query.
///
/// For a query `(h, q)` with hidden width `d`:
/// - boundary: `x₀[h] = query[q]`, zero elsewhere;
/// - each layer `l`: relation vectors `rel_l = query[q] · Wrel_l + brel_l` (one `d`-vector per
///   relation, produced from the query relation); `agg[v] = Σ_{(u,r,v)} w_e · rel_l[r] ⊙ x_l[u] +
///   x₀[v]` (rspmm, semiring sum–mul: DistMult messages, sum aggregation, the boundary as a
///   self-message); `x_{l+1} = ReLU(LayerNorm([x_l | agg] · Wlin_l + blin_l)) + x_l`;
/// - score of node `v`: a two-layer MLP of `[x_L[v] | query[q]]`.
///
/// The graph is the training facts plus their inverses (relation `r + R`). While training, the
/// facts a batch asks about (and their inverses) get weight 0, as NBFNet removes them. A batch
/// of `B` queries runs as one message pass of width `B·d`; the backward pass is written by hand.
public struct PathGNN: LinkPredictor {
    public let kind = ModelKind.nbf
    public let entityCount: Int
    public let relationCount: Int
    public var parameters: Parameters
    public let hyper: Hyperparameters
    /// The message graph: slot `i` is training fact `i`, slot `T + i` its inverse.
    public let graph: MessageGraph
    let factSlots: [IndexedTriple: Int32]
    let factCount: Int

    var d: Int { hyper.dim }
    var layers: Int { hyper.layers }

    /// `facts` are the training triples over `relationCount / 2` relations.
    public init(entityCount: Int, relationCount: Int, facts: [IndexedTriple], hyper: Hyperparameters, parameters: Parameters? = nil,
                random: inout SeededRandom) {
        self.entityCount = entityCount
        self.relationCount = relationCount
        self.hyper = hyper
        let base = Int32(relationCount / 2)
        var src: [Int32] = [], rel: [Int32] = [], dst: [Int32] = []
        src.reserveCapacity(facts.count * 2); rel.reserveCapacity(facts.count * 2); dst.reserveCapacity(facts.count * 2)
        for f in facts { src.append(f.head); rel.append(f.relation); dst.append(f.tail) }
        for f in facts { src.append(f.tail); rel.append(f.relation + base); dst.append(f.head) }
        graph = MessageGraph(nodeCount: entityCount, relationCount: relationCount, sources: src, relations: rel, targets: dst)
        var slots: [IndexedTriple: Int32] = [:]
        for (i, f) in facts.enumerated() { slots[f] = Int32(i) }
        factSlots = slots
        factCount = facts.count
        if let parameters {
            self.parameters = parameters
        } else {
            self.parameters = PathGNN.initialParameters(relationCount: relationCount, hyper: hyper, random: &random)
        }
    }

    /// PyTorch's defaults: linear weights and biases uniform in ±1/√fan-in; query embeddings
    /// standard normal; layer norm gamma 1, beta 0.
    static func initialParameters(relationCount: Int, hyper: Hyperparameters, random: inout SeededRandom) -> Parameters {
        let d = hyper.dim
        func uniform(_ rows: Int, _ cols: Int, fanIn: Int) -> Matrix {
            let bound = 1 / Float(fanIn).squareRoot()
            var m = Matrix(rows: rows, cols: cols)
            for i in m.values.indices { m.values[i] = (Float(random.unit()) * 2 - 1) * bound }
            return m
        }
        var named: [(String, Matrix)] = []
        var q = Matrix(rows: relationCount, cols: d)
        for i in q.values.indices { q.values[i] = random.normal() }
        named.append(("query", q))
        for l in 0 ..< hyper.layers {
            named.append(("layer\(l).relation.weight", uniform(d, relationCount * d, fanIn: d)))
            named.append(("layer\(l).relation.bias", uniform(1, relationCount * d, fanIn: d)))
            named.append(("layer\(l).linear.weight", uniform(2 * d, d, fanIn: 2 * d)))
            named.append(("layer\(l).linear.bias", uniform(1, d, fanIn: 2 * d)))
            named.append(("layer\(l).norm.gamma", Matrix(rows: 1, cols: d, repeating: 1)))
            named.append(("layer\(l).norm.beta", Matrix(rows: 1, cols: d)))
        }
        named.append(("mlp.weight1", uniform(2 * d, 2 * d, fanIn: 2 * d)))
        named.append(("mlp.bias1", uniform(1, 2 * d, fanIn: 2 * d)))
        named.append(("mlp.weight2", uniform(2 * d, 1, fanIn: 2 * d)))
        named.append(("mlp.bias2", uniform(1, 1, fanIn: 2 * d)))
        return Parameters(named)
    }

    // Parameter positions: query, then 6 per layer, then the MLP's 4.
    private func p(_ layer: Int, _ k: Int) -> Int { 1 + layer * 6 + k }
    private var mlp: Int { 1 + layers * 6 }

    /// What the backward pass needs from one layer.
    struct LayerTape {
        var input: Matrix        // x_l, N × B·d
        var relations: Matrix    // 2R × B·d
        var messages: Matrix     // rspmm output, N × B·d
        var concat: Matrix       // (N·B) × 2d: [x_l | agg]
        var linear: Matrix       // (N·B) × d, before the norm
        var norm: Matrix         // after the norm
        var cache: Dense.LayerNormCache
    }

    struct Tape {
        var queries: Matrix       // B × d
        var boundary: Matrix      // N × B·d
        var layers: [LayerTape] = []
        var features: Matrix      // (N·B) × 2d
        var hidden: Matrix        // (N·B) × 2d, after ReLU
        var scores: Matrix        // B × N
    }

    /// Runs the network for `heads[b], relations[b]` with `edgeWeights` (nil: every edge weighs 1).
    func forward(heads: [Int32], relations rel: [Int32], edgeWeights: [Float]?, threads: Int) -> Tape {
        let B = heads.count, N = entityCount, d = self.d, W = B * d, R2 = relationCount
        let P = parameters.tensors
        var queries = Matrix(rows: B, cols: d)
        for b in 0 ..< B {
            for j in 0 ..< d { queries.values[b * d + j] = P[0].values[Int(rel[b]) * d + j] }
        }
        var boundary = Matrix(rows: N, cols: W)
        for b in 0 ..< B {
            for j in 0 ..< d { boundary.values[Int(heads[b]) * W + b * d + j] = queries.values[b * d + j] }
        }
        var x = boundary
        var tapes: [LayerTape] = []
        for l in 0 ..< layers {
            var relFlat = Dense.matmul(queries, P[p(l, 0)], threads: threads)   // B × (2R·d)
            addBias(&relFlat, P[p(l, 1)])
            var relTable = Matrix(rows: R2, cols: W)
            for b in 0 ..< B {
                for r in 0 ..< R2 {
                    for j in 0 ..< d { relTable.values[r * W + b * d + j] = relFlat.values[b * R2 * d + r * d + j] }
                }
            }
            let messages = RSPMM.forward(graph: graph, semiring: .sumMul, relations: relTable, input: x, edgeWeights: edgeWeights, threads: threads)
            // [x_l | messages + boundary] per (node, query) row.
            var concat = Matrix(rows: N * B, cols: 2 * d)
            for row in 0 ..< N * B {
                for j in 0 ..< d {
                    concat.values[row * 2 * d + j] = x.values[row * d + j]
                    concat.values[row * 2 * d + d + j] = messages.values[row * d + j] + boundary.values[row * d + j]
                }
            }
            var linear = Dense.matmul(concat, P[p(l, 2)], threads: threads)
            addBias(&linear, P[p(l, 3)])
            let (norm, cache) = Dense.layerNorm(linear, gamma: P[p(l, 4)].values, beta: P[p(l, 5)].values, threads: threads)
            var next = Matrix(rows: N, cols: W)
            for i in 0 ..< next.values.count { next.values[i] = max(norm.values[i], 0) + x.values[i] }
            tapes.append(LayerTape(input: x, relations: relTable, messages: messages, concat: concat, linear: linear, norm: norm, cache: cache))
            x = next
        }
        var features = Matrix(rows: N * B, cols: 2 * d)
        for v in 0 ..< N {
            for b in 0 ..< B {
                let row = v * B + b
                for j in 0 ..< d {
                    features.values[row * 2 * d + j] = x.values[row * d + j]
                    features.values[row * 2 * d + d + j] = queries.values[b * d + j]
                }
            }
        }
        var hidden = Dense.matmul(features, P[mlp], threads: threads)
        addBias(&hidden, P[mlp + 1])
        for i in hidden.values.indices where hidden.values[i] < 0 { hidden.values[i] = 0 }
        let out = Dense.matmul(hidden, P[mlp + 2], threads: threads)
        var scores = Matrix(rows: B, cols: N)
        let bias = P[mlp + 3].values[0]
        for v in 0 ..< N {
            for b in 0 ..< B { scores.values[b * N + v] = out.values[v * B + b] + bias }
        }
        var tape = Tape(queries: queries, boundary: boundary, features: features, hidden: hidden, scores: scores)
        tape.layers = tapes
        return tape
    }

    /// Gradients of `Σ_b,v gScores[b, v] · scores[b, v]` w.r.t. the parameters and, when
    /// `edgeWeights` is given, w.r.t. each edge weight (summed over layers).
    func backward(_ tape: Tape, heads: [Int32], relations rel: [Int32], edgeWeights: [Float]?, scoreGradient gS: Matrix,
                  threads: Int) -> (parameters: Parameters, edgeWeights: [Float]) {
        let B = heads.count, N = entityCount, d = self.d, W = B * d, R2 = relationCount
        let P = parameters.tensors
        var grads = parameters.zeros()
        var gEdge = [Float](repeating: 0, count: graph.edgeSlots)
        // Score head: s = hidden · w2 + b2.
        var gOut = Matrix(rows: N * B, cols: 1)
        var gBias2: Float = 0
        for v in 0 ..< N {
            for b in 0 ..< B {
                let g = gS.values[b * N + v]
                gOut.values[v * B + b] = g
                gBias2 += g
            }
        }
        grads.tensors[mlp + 3].values[0] = gBias2
        grads.tensors[mlp + 2] = Dense.matmul(transposing: tape.hidden, gOut, threads: threads)
        var gHidden = Dense.matmul(gOut, transposing: P[mlp + 2], threads: threads)
        for i in gHidden.values.indices where tape.hidden.values[i] <= 0 { gHidden.values[i] = 0 }
        grads.tensors[mlp] = Dense.matmul(transposing: tape.features, gHidden, threads: threads)
        grads.tensors[mlp + 1] = columnSums(gHidden)
        let gFeatures = Dense.matmul(gHidden, transposing: P[mlp], threads: threads)
        var gQueries = Matrix(rows: B, cols: d)
        var gx = Matrix(rows: N, cols: W)
        for v in 0 ..< N {
            for b in 0 ..< B {
                let row = v * B + b
                for j in 0 ..< d {
                    gx.values[row * d + j] = gFeatures.values[row * 2 * d + j]
                    gQueries.values[b * d + j] += gFeatures.values[row * 2 * d + d + j]
                }
            }
        }
        var gBoundary = Matrix(rows: N, cols: W)
        for l in stride(from: layers - 1, through: 0, by: -1) {
            let t = tape.layers[l]
            // x_{l+1} = relu(norm) + x_l.
            var gNorm = gx
            for i in gNorm.values.indices where t.norm.values[i] <= 0 { gNorm.values[i] = 0 }
            let (gLinear, gGamma, gBeta) = Dense.layerNormBackward(gradient: gNorm, input: t.linear, gamma: P[p(l, 4)].values,
                                                                   cache: t.cache, threads: threads)
            grads.tensors[p(l, 4)].values = gGamma
            grads.tensors[p(l, 5)].values = gBeta
            grads.tensors[p(l, 2)] = Dense.matmul(transposing: t.concat, gLinear, threads: threads)
            grads.tensors[p(l, 3)] = columnSums(gLinear)
            let gConcat = Dense.matmul(gLinear, transposing: P[p(l, 2)], threads: threads)
            var gMessages = Matrix(rows: N, cols: W)
            for row in 0 ..< N * B {
                for j in 0 ..< d {
                    gx.values[row * d + j] += gConcat.values[row * 2 * d + j]
                    let g = gConcat.values[row * 2 * d + d + j]
                    gMessages.values[row * d + j] = g
                    gBoundary.values[row * d + j] += g
                }
            }
            let rg = RSPMM.backward(graph: graph, semiring: .sumMul, relations: t.relations, input: t.input, edgeWeights: edgeWeights,
                                    output: t.messages, outputGradient: gMessages, threads: threads)
            for i in gx.values.indices { gx.values[i] += rg.input.values[i] }
            for i in gEdge.indices { gEdge[i] += rg.edgeWeights[i] }
            var gRelFlat = Matrix(rows: B, cols: R2 * d)
            for b in 0 ..< B {
                for r in 0 ..< R2 {
                    for j in 0 ..< d { gRelFlat.values[b * R2 * d + r * d + j] = rg.relations.values[r * W + b * d + j] }
                }
            }
            grads.tensors[p(l, 0)] = Dense.matmul(transposing: tape.queries, gRelFlat, threads: threads)
            grads.tensors[p(l, 1)] = columnSums(gRelFlat)
            let gq = Dense.matmul(gRelFlat, transposing: P[p(l, 0)], threads: threads)
            for i in gQueries.values.indices { gQueries.values[i] += gq.values[i] }
        }
        // x₀ is the boundary: it fed layer 0 as its input and every layer as a self-message.
        for b in 0 ..< B {
            let h = Int(heads[b])
            for j in 0 ..< d {
                gQueries.values[b * d + j] += gx.values[h * W + b * d + j] + gBoundary.values[h * W + b * d + j]
            }
        }
        for b in 0 ..< B {
            for j in 0 ..< d { grads.tensors[0].values[Int(rel[b]) * d + j] += gQueries.values[b * d + j] }
        }
        return (grads, gEdge)
    }

    public func scores(heads: [Int32], relations rel: [Int32], threads: Int) -> Matrix {
        forward(heads: heads, relations: rel, edgeWeights: nil, threads: threads).scores
    }

    /// Edge weights for a training batch: 1, except the batch's own facts and their inverses.
    func trainingWeights(_ batch: [TrainingExample]) -> [Float] {
        var w = [Float](repeating: 1, count: graph.edgeSlots)
        let base = Int32(relationCount / 2)
        for ex in batch {
            for a in ex.answers {
                let fact = ex.relation < base ? IndexedTriple(ex.head, ex.relation, a) : IndexedTriple(a, ex.relation - base, ex.head)
                if let slot = factSlots[fact] {
                    w[Int(slot)] = 0
                    w[factCount + Int(slot)] = 0
                }
            }
        }
        return w
    }

    public func lossAndGradients(_ batch: [TrainingExample], random: inout SeededRandom, threads: Int) -> (loss: Float, gradients: Parameters) {
        let heads = batch.map(\.head), rels = batch.map(\.relation)
        let weights = trainingWeights(batch)
        let tape = forward(heads: heads, relations: rels, edgeWeights: weights, threads: threads)
        let (loss, gS) = softmaxCrossEntropy(tape.scores, answers: batch.map(\.answers), smoothing: Float(hyper.labelSmoothing))
        var (grads, _) = backward(tape, heads: heads, relations: rels, edgeWeights: weights, scoreGradient: gS, threads: threads)
        var total = loss
        let decay = Float(hyper.regularization)
        if decay > 0 {
            for i in grads.tensors.indices {
                for j in grads.tensors[i].values.indices {
                    let w = parameters.tensors[i].values[j]
                    grads.tensors[i].values[j] += decay * w
                    total += 0.5 * decay * w * w
                }
            }
        }
        return (total, grads)
    }
}

/// Adds a `1 × cols` bias to every row.
func addBias(_ m: inout Matrix, _ bias: Matrix) {
    let c = m.cols
    for i in 0 ..< m.rows {
        for j in 0 ..< c { m.values[i * c + j] += bias.values[j] }
    }
}

/// The `1 × cols` sum of a matrix's rows.
func columnSums(_ m: Matrix) -> Matrix {
    var s = Matrix(rows: 1, cols: m.cols)
    let c = m.cols
    for i in 0 ..< m.rows {
        for j in 0 ..< c { s.values[j] += m.values[i * c + j] }
    }
    return s
}
