import QuiverCore
import QuiverKernels
import Testing
@testable import QuiverModels

/// A random knowledge graph: `facts` distinct triples over `entities` and `relations`.
func randomFacts(entities: Int, relations: Int, facts: Int, random: inout SeededRandom) -> [IndexedTriple] {
    var seen = Set<IndexedTriple>()
    var out: [IndexedTriple] = []
    while out.count < facts {
        let t = IndexedTriple(Int32(random.below(entities)), Int32(random.below(relations)), Int32(random.below(entities)))
        if seen.insert(t).inserted { out.append(t) }
    }
    return out
}

/// Compares analytic gradients with central finite differences of the loss on a sample of
/// coordinates of every tensor. The loss is Float32, so the step is large and the tolerance loose;
/// a wrong gradient term is off by far more.
func checkGradients(parameters: Parameters, analytic: Parameters, samplesPerTensor: Int = 12, step: Float = 1e-2,
                    absolute: Double = 2e-3, relative: Double = 5e-2, random: inout SeededRandom, loss: (Parameters) -> Float) -> (checked: Int, failed: [String]) {
    var failed: [String] = [], checked = 0
    for (i, name) in parameters.names.enumerated() {
        let n = parameters.tensors[i].values.count
        for _ in 0 ..< min(samplesPerTensor, n) {
            let j = random.below(n)
            var plus = parameters, minus = parameters
            plus.tensors[i].values[j] += step
            minus.tensors[i].values[j] -= step
            let numeric = (Double(loss(plus)) - Double(loss(minus))) / (2 * Double(step))
            let a = Double(analytic.tensors[i].values[j])
            checked += 1
            if abs(numeric - a) > absolute + relative * max(abs(numeric), abs(a)) {
                failed.append("\(name)[\(j)]: analytic \(a), numeric \(numeric)")
            }
        }
    }
    return (checked, failed)
}

@Suite struct EmbeddingModelGradientTests {
    func check(_ kind: ModelKind, negatives: Int, regularization: Double, smoothing: Double = 0) {
        var random = SeededRandom(seed: 11)
        var hyper = Hyperparameters.defaults(for: kind)
        hyper.dim = 6
        hyper.negatives = negatives
        hyper.regularization = regularization
        hyper.labelSmoothing = smoothing
        var model = EmbeddingModel(entityCount: 9, relationCount: 6, hyper: hyper, random: &random)
        // Lacroix's tiny initialisation makes every gradient tiny; check at a generic point.
        for i in model.parameters.tensors.indices {
            for j in model.parameters.tensors[i].values.indices { model.parameters.tensors[i].values[j] = random.normal() * 0.5 }
        }
        let batch = (0 ..< 5).map { _ in
            TrainingExample(head: Int32(random.below(9)), relation: Int32(random.below(6)), answers: [Int32(random.below(9))])
        }
        let negativeStream = SeededRandom(seed: 99)
        var r = negativeStream
        let (_, grads) = model.lossAndGradients(batch, random: &r, threads: 1)
        let result = checkGradients(parameters: model.parameters, analytic: grads, random: &random) { p in
            var m = model
            m.parameters = p
            var r = negativeStream
            return m.lossAndGradients(batch, random: &r, threads: 1).loss
        }
        #expect(result.checked > 10)
        #expect(result.failed.isEmpty, "\(kind) negatives=\(negatives): \(result.failed.prefix(5))")
    }

    @Test(arguments: [ModelKind.distmult, .complex, .rotate])
    func oneToNCrossEntropy(kind: ModelKind) { check(kind, negatives: 0, regularization: 0) }

    @Test(arguments: [ModelKind.distmult, .complex, .rotate])
    func negativeSampling(kind: ModelKind) { check(kind, negatives: 3, regularization: 0) }

    @Test(arguments: [ModelKind.distmult, .complex, .rotate])
    func withRegularisationAndSmoothing(kind: ModelKind) { check(kind, negatives: 0, regularization: 0.05, smoothing: 0.1) }
}

@Suite struct PathGNNGradientTests {
    func model(random: inout SeededRandom) -> (PathGNN, [IndexedTriple]) {
        let facts = randomFacts(entities: 7, relations: 3, facts: 16, random: &random)
        var hyper = Hyperparameters.defaults(for: .nbf)
        hyper.dim = 4
        hyper.layers = 2
        hyper.regularization = 0.01
        return (PathGNN(entityCount: 7, relationCount: 6, facts: facts, hyper: hyper, random: &random), facts)
    }

    @Test func parameterGradientsMatchFiniteDifferences() {
        var random = SeededRandom(seed: 5)
        let (gnn, facts) = model(random: &random)
        // Two queries about training facts (their edges get weight 0) and one about a non-fact.
        let batch = [
            TrainingExample(head: facts[0].head, relation: facts[0].relation, answers: [facts[0].tail]),
            TrainingExample(head: facts[1].tail, relation: facts[1].relation + 3, answers: [facts[1].head]),
            TrainingExample(head: 6, relation: 2, answers: [0, 3]),
        ]
        var unused = SeededRandom(seed: 0)
        let (_, grads) = gnn.lossAndGradients(batch, random: &unused, threads: 1)
        let result = checkGradients(parameters: gnn.parameters, analytic: grads, samplesPerTensor: 24, step: 3e-3, absolute: 3e-4, relative: 1e-2, random: &random) { p in
            var m = gnn
            m.parameters = p
            var r = SeededRandom(seed: 0)
            return m.lossAndGradients(batch, random: &r, threads: 1).loss
        }
        #expect(result.checked > 60)
        // A ReLU kink can make an isolated coordinate's finite difference meaningless; a wrong
        // gradient term fails many.
        #expect(result.failed.count <= 2, "\(result.failed.count) of \(result.checked): \(result.failed.prefix(5))")
    }

    @Test func edgeWeightGradientsMatchFiniteDifferences() {
        var random = SeededRandom(seed: 8)
        let (gnn, _) = model(random: &random)
        var weights = (0 ..< gnn.graph.edgeSlots).map { _ in Float(random.unit()) + 0.5 }
        let heads: [Int32] = [2, 5], rels: [Int32] = [1, 4]
        var seed = Matrix(rows: 2, cols: 7)
        for i in seed.values.indices { seed.values[i] = Float(random.unit()) * 2 - 1 }
        func objective(_ w: [Float]) -> Double {
            let s = gnn.forward(heads: heads, relations: rels, edgeWeights: w, threads: 1).scores
            return zip(s.values, seed.values).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let tape = gnn.forward(heads: heads, relations: rels, edgeWeights: weights, threads: 1)
        let (_, gEdge) = gnn.backward(tape, heads: heads, relations: rels, edgeWeights: weights, scoreGradient: seed, threads: 1)
        var failed = 0
        for e in 0 ..< gnn.graph.edgeSlots {
            let old = weights[e]
            weights[e] = old + 3e-3; let plus = objective(weights)
            weights[e] = old - 3e-3; let minus = objective(weights)
            weights[e] = old
            let numeric = (plus - minus) / 6e-3
            if abs(numeric - Double(gEdge[e])) > 3e-3 + 5e-2 * abs(numeric) { failed += 1 }
        }
        #expect(failed <= gnn.graph.edgeSlots / 20, "\(failed) of \(gnn.graph.edgeSlots) edge gradients differ")
    }

    @Test func batchedQueriesMatchOneAtATime() {
        var random = SeededRandom(seed: 21)
        let (gnn, _) = model(random: &random)
        let heads: [Int32] = [0, 3, 6], rels: [Int32] = [0, 4, 2]
        let together = gnn.scores(heads: heads, relations: rels, threads: 2)
        for b in 0 ..< 3 {
            let alone = gnn.scores(heads: [heads[b]], relations: [rels[b]], threads: 1)
            for v in 0 ..< 7 { #expect(abs(alone.values[v] - together.values[b * 7 + v]) < 1e-5) }
        }
    }
}

/// Training applies gradients of the rows a batch touched; on a big graph that is a few thousand
/// of a million rows.
@Suite struct RowGradientTests {
    /// A small model of `kind` with `negatives` sampled negatives (0: 1-N).
    static func model(_ kind: ModelKind, entities: Int, relations: Int, dim: Int, negatives: Int, seed: UInt64) -> EmbeddingModel {
        var random = SeededRandom(seed: seed)
        var hyper = Hyperparameters.defaults(for: kind)
        hyper.dim = dim
        hyper.negatives = negatives
        return EmbeddingModel(entityCount: entities, relationCount: relations, hyper: hyper, random: &random)
    }

    @Test func aSampledBatchNamesOnlyTheRowsItTouched() {
        let model = Self.model(.complex, entities: 500, relations: 8, dim: 4, negatives: 3, seed: 5)
        let batch = [TrainingExample(head: 1, relation: 2, answers: [7]), TrainingExample(head: 1, relation: 5, answers: [9])]
        var r = SeededRandom(seed: 3)
        let (_, g) = model.lossAndRowGradients(batch, random: &r, threads: 1)
        let entityRows = Set(g.tensors[0].rows ?? [])
        // Heads, answers and at most three drawn negatives; the two relations.
        #expect(entityRows.isSuperset(of: [1, 7, 9]) && entityRows.count <= 6)
        #expect(Set(g.tensors[1].rows ?? []) == [2, 5])
        // 1-N scores every entity: every row.
        let oneToN = Self.model(.complex, entities: 500, relations: 8, dim: 4, negatives: 0, seed: 6)
        #expect(oneToN.lossAndRowGradients(batch, random: &r, threads: 1).gradients.tensors[0].rows == nil)
    }

    /// Adagrad over the touched rows moves the parameters exactly as over the whole tensors.
    @Test func sparseAdagradMatchesTheDenseUpdate() {
        var random = SeededRandom(seed: 8)
        let model = Self.model(.distmult, entities: 60, relations: 6, dim: 5, negatives: 4, seed: 7)
        var sparse = model.parameters, dense = model.parameters
        var a = Optimizer(.adagrad, learningRate: 0.1, for: sparse), b = Optimizer(.adagrad, learningRate: 0.1, for: dense)
        for step in 0 ..< 5 {
            let batch = (0 ..< 4).map { _ in
                TrainingExample(head: Int32(random.below(60)), relation: Int32(random.below(6)), answers: [Int32(random.below(60))])
            }
            var r = SeededRandom(seed: UInt64(step))
            var m = model
            m.parameters = sparse
            let (_, g) = m.lossAndRowGradients(batch, random: &r, threads: 1)
            a.apply(g, to: &sparse)
            b.apply(g.dense(like: dense), to: &dense)
            #expect(sparse == dense, "step \(step)")
        }
    }
}
