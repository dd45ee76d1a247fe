import Dispatch
import QuiverCore
import QuiverKernels

/// Where a training run stands, reported after every batch and every validation.
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    public var batch: Int
    public var batches: Int
    /// The mean loss of the epoch so far.
    public var loss: Double
    /// Positive training queries (one per triple and direction) per second, this epoch.
    public var triplesPerSecond: Double
    public var seconds: Double
    /// Set on the report that follows a validation.
    public var validationMRR: Double?
    /// Set on the one report at the end of each epoch (after its validation, if any).
    public var epochEnded = false
    /// Positive training queries seen so far, all epochs.
    public var queries = 0
}

/// One epoch's record, kept with the model.
public struct EpochRecord: Sendable, Codable, Equatable {
    public var epoch: Int
    public var loss: Double
    public var seconds: Double
    public var triplesPerSecond: Double
    public var validMRR: Double?

    enum CodingKeys: String, CodingKey {
        case epoch, loss, seconds
        case triplesPerSecond = "triples_per_second", validMRR = "valid_mrr"
    }
}

/// A trained model with how it got there.
public struct TrainingOutcome: Sendable {
    public var model: any LinkPredictor
    public var history: [EpochRecord]
    /// The epoch whose parameters were kept (best validation MRR), and that MRR.
    public var bestEpoch: Int
    public var bestValidMRR: Double?
    /// All the filtered metrics on valid of the epoch kept, when validation ranked all of valid
    /// (the caller need not rank it again); nil when it ranked a sample.
    public var bestValid: RankingMetrics?
    public var seconds: Double
    public var stoppedEarly: Bool
    /// Stopped because the time budget ran out.
    public var stoppedAtBudget = false
    public var cancelled: Bool
    /// Set when a batch's loss stopped being a finite number (the learning rate is too high, or a
    /// regularization weight): training stopped there and the parameters are not worth keeping.
    public var diverged: Divergence?

    public struct Divergence: Sendable, Equatable {
        public var epoch: Int
        public var loss: Double
    }
}

/// Trains a model on a graph's `split=train` facts, validating on `split=valid` by filtered MRR
/// (both directions), keeping the best parameters and stopping after `patience` validations
/// without improvement. With a fixed seed and one thread, a run repeats bit for bit.
public enum Trainer {
    public static func makeModel(_ hyper: Hyperparameters, data: TrainingData, random: inout SeededRandom) -> any LinkPredictor {
        switch hyper.model {
        case .nbf:
            PathGNN(entityCount: data.entityCount, relationCount: data.relationCount * 2, facts: data.train, hyper: hyper, random: &random)
        default:
            EmbeddingModel(entityCount: data.entityCount, relationCount: data.relationCount * 2, hyper: hyper, random: &random)
        }
    }

    /// The examples of one epoch: per triple and direction for embedding models; per
    /// `(head, relation)` with all its training answers for the path GNN.
    public static func examples(_ hyper: Hyperparameters, data: TrainingData) -> [TrainingExample] {
        let queries = data.queries(data.train)
        if hyper.model.isEmbedding {
            return queries.map { TrainingExample(head: $0.head, relation: $0.relation, answers: [$0.answer]) }
        }
        var grouped: [Int64: Int] = [:]
        var out: [TrainingExample] = []
        for q in queries {
            let key = Int64(q.head) << 32 | Int64(q.relation)
            if let i = grouped[key] { out[i].answers.append(q.answer) } else {
                grouped[key] = out.count
                out.append(TrainingExample(head: q.head, relation: q.relation, answers: [q.answer]))
            }
        }
        return out
    }

    public static func train(data: TrainingData, hyper: Hyperparameters, progress: (TrainingProgress) -> Void = { _ in },
                             shouldStop: () -> Bool = { false }) -> TrainingOutcome {
        let started = DispatchTime.now().uptimeNanoseconds
        func since(_ t: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9 }
        var initRandom = SeededRandom.stream(seed: hyper.seed, step: 0)
        var model = makeModel(hyper, data: data, random: &initRandom)
        var optimizer = Optimizer(hyper.optimizer, learningRate: Float(hyper.learningRate), for: model.parameters)
        let examples = self.examples(hyper, data: data)
        let known = data.knownAnswers()
        let batches = (examples.count + hyper.batch - 1) / hyper.batch
        var history: [EpochRecord] = []
        var best: (epoch: Int, parameters: Parameters, metrics: RankingMetrics)?
        var sinceBest = 0
        var stoppedEarly = false, cancelled = false
        var diverged: TrainingOutcome.Divergence?
        let evalBatch = hyper.evaluationBatch(entities: data.entityCount)
        // On a big graph, a seeded sample of valid (see `Hyperparameters.validationSample`).
        var validation = data.valid
        if let n = Hyperparameters.validationSample(entities: data.entityCount, validFacts: data.valid.count) {
            var pick = SeededRandom.stream(seed: hyper.seed, step: 7)
            validation = pick.sortedSample(n, of: data.valid)
        }
        let validatesAll = validation.count == data.valid.count
        var outOfTime = false
        var queries = 0
        epochs: for epoch in 1 ... hyper.epochs {
            var order = Array(examples.indices)
            var shuffle = SeededRandom.stream(seed: hyper.seed, step: UInt64(1000 + epoch))
            shuffle.shuffle(&order)
            var negatives = SeededRandom.stream(seed: hyper.seed, step: UInt64(1_000_000 + epoch))
            let epochStart = DispatchTime.now().uptimeNanoseconds
            var lossSum = 0.0, seen = 0
            for b in 0 ..< batches {
                if shouldStop() { cancelled = true; break epochs }
                // Past the budget the epoch ends here (after one batch at least, so that no epoch
                // is empty): what was learnt is validated and kept.
                if let budget = hyper.timeBudgetSeconds, b > 0, since(started) >= budget { outOfTime = true; break }
                let batch = order[b * hyper.batch ..< min(order.count, (b + 1) * hyper.batch)].map { examples[$0] }
                let (loss, grads) = model.lossAndRowGradients(batch, random: &negatives, threads: hyper.threads)
                // Past a NaN or an infinity every later step is NaN too: stop rather than train on.
                if !loss.isFinite { diverged = .init(epoch: epoch, loss: Double(loss)); break epochs }
                // In place: a copy of the parameters per batch cost a big graph more than the batch.
                optimizer.apply(grads, to: &model.parameters)
                let positives = batch.reduce(0) { $0 + $1.answers.count }
                lossSum += Double(loss) * Double(positives)
                seen += positives
                queries += positives
                let secs = since(epochStart)
                progress(TrainingProgress(epoch: epoch, epochs: hyper.epochs, batch: b + 1, batches: batches, loss: lossSum / Double(max(seen, 1)),
                                          triplesPerSecond: Double(seen) / max(secs, 1e-9), seconds: since(started), validationMRR: nil,
                                          queries: queries))
            }
            // A step can overflow the parameters with the batch's loss still finite; the next
            // epoch (or the saved model) would be NaN.
            if model.parameters.tensors.contains(where: { $0.values.contains { !$0.isFinite } }) {
                diverged = .init(epoch: epoch, loss: lossSum / Double(max(seen, 1)))
                break epochs
            }
            if let budget = hyper.timeBudgetSeconds, since(started) >= budget { outOfTime = true }
            let secs = since(epochStart)
            var record = EpochRecord(epoch: epoch, loss: lossSum / Double(max(seen, 1)), seconds: secs,
                                     triplesPerSecond: Double(seen) / max(secs, 1e-9), validMRR: nil)
            let validate = !data.valid.isEmpty && (epoch % hyper.validateEvery == 0 || epoch == hyper.epochs || outOfTime)
            if validate {
                let eval = FilteredEvaluation.run(model: model, data: data, triples: validation, known: known, batch: evalBatch,
                                                  threads: hyper.threads, shouldStop: shouldStop)
                record.validMRR = eval.both.mrr
                if best == nil || eval.both.mrr > best!.metrics.mrr {
                    best = (epoch, model.parameters, eval.both)
                    sinceBest = 0
                } else {
                    sinceBest += 1
                }
            }
            progress(TrainingProgress(epoch: epoch, epochs: hyper.epochs, batch: batches, batches: batches, loss: record.loss,
                                      triplesPerSecond: record.triplesPerSecond, seconds: since(started), validationMRR: record.validMRR,
                                      epochEnded: true, queries: queries))
            history.append(record)
            if outOfTime { break }
            if sinceBest >= hyper.patience { stoppedEarly = true; break }
        }
        if let best { model.parameters = best.parameters }
        var outcome = TrainingOutcome(model: model, history: history, bestEpoch: best?.epoch ?? history.count, bestValidMRR: best?.metrics.mrr,
                                      seconds: since(started), stoppedEarly: stoppedEarly, cancelled: cancelled, diverged: diverged)
        outcome.stoppedAtBudget = outOfTime
        outcome.bestValid = validatesAll ? best?.metrics : nil
        return outcome
    }
}
