import QuiverCore
import QuiverKernels

/// Mean reciprocal rank and Hits@k over a set of ranked queries.
public struct RankingMetrics: Sendable, Codable, Equatable {
    public var mrr: Double
    public var hits1: Double
    public var hits3: Double
    public var hits10: Double
    public var meanRank: Double
    public var count: Int

    enum CodingKeys: String, CodingKey {
        case mrr, count
        case hits1 = "hits@1", hits3 = "hits@3", hits10 = "hits@10", meanRank = "mean_rank"
    }

    public init(ranks: [Double]) {
        count = ranks.count
        let n = Double(max(ranks.count, 1))
        mrr = ranks.reduce(0) { $0 + 1 / $1 } / n
        hits1 = Double(ranks.filter { $0 <= 1 }.count) / n
        hits3 = Double(ranks.filter { $0 <= 3 }.count) / n
        hits10 = Double(ranks.filter { $0 <= 10 }.count) / n
        meanRank = ranks.reduce(0, +) / n
    }
}

/// The standard filtered link-prediction protocol: for every triple `(h, r, t)` of a split, rank
/// `t` among all entities for `(h, r, ?)` and `h` for `(t, r⁻¹, ?)`, after removing every other
/// known answer of that query from train, valid and test. Ties count as the mean of the tied
/// positions: rank = 1 + (#higher) + (#equal) / 2.
public struct FilteredEvaluation: Sendable, Codable, Equatable {
    /// Tail prediction `(h, r, ?)`.
    public var tail: RankingMetrics
    /// Head prediction, asked as `(t, r⁻¹, ?)`.
    public var head: RankingMetrics
    /// Both directions together (the number usually published).
    public var both: RankingMetrics

    public static func run(model: some LinkPredictor, data: TrainingData, triples: [IndexedTriple], known: KnownAnswers,
                           batch: Int, threads: Int, shouldStop: () -> Bool = { false }) -> FilteredEvaluation {
        let queries = data.queries(triples)
        var tailRanks: [Double] = [], headRanks: [Double] = []
        var start = 0
        while start < queries.count, !shouldStop() {
            let chunk = Array(queries[start ..< min(queries.count, start + max(batch, 1))])
            let scores = model.scores(heads: chunk.map(\.head), relations: chunk.map(\.relation), threads: threads)
            for (i, q) in chunk.enumerated() {
                let rank = filteredRank(scores, row: i, query: q, known: known)
                if Int(q.relation) < data.relationCount { tailRanks.append(rank) } else { headRanks.append(rank) }
            }
            start += chunk.count
        }
        return FilteredEvaluation(tail: RankingMetrics(ranks: tailRanks), head: RankingMetrics(ranks: headRanks),
                                  both: RankingMetrics(ranks: tailRanks + headRanks))
    }

    /// The filtered rank of `query.answer` in row `row` of `scores`.
    public static func filteredRank(_ scores: Matrix, row: Int, query q: Query, known: KnownAnswers) -> Double {
        let n = scores.cols, base = row * n
        let target = scores.values[base + Int(q.answer)]
        var higher = 0, equal = 0
        for e in 0 ..< n where e != Int(q.answer) {
            let s = scores.values[base + e]
            if s > target { higher += 1 } else if s == target { equal += 1 }
        }
        // Take the other known answers back out.
        for other in known.answers(head: q.head, relation: q.relation) where other != q.answer {
            let s = scores.values[base + Int(other)]
            if s > target { higher -= 1 } else if s == target { equal -= 1 }
        }
        if target.isNaN { return Double(n) }
        return 1 + Double(higher) + Double(equal) / 2
    }
}
