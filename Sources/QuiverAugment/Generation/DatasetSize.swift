import Foundation
import QuiverCore

/// Peak memory of generating a dataset, estimated from the options before anything is allocated.
/// Computed in Double, so no product of absurd options can overflow `Int`; each part says which
/// option to lower when it is the one that does not fit.
public struct DatasetSize: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        public var bytes: Double
        /// The option(s) that make this part grow, as values each surface spells its own way.
        public var options: ErrorMessage
    }

    public var parts: [Part]

    public var bytes: Double { parts.reduce(0) { $0 + $1.bytes } }
    /// The options of the largest part.
    public var remedy: ErrorMessage { parts.max { $0.bytes < $1.bytes }?.options ?? "" }

    /// A name in `FactGraph` and the vocabulary: a `String` with its array slot.
    static let nameBytes = 40.0
    /// One fact while a `FactGraph` is built: the `Fact` list, its sorted and de-duplicated copies
    /// and the column arrays.
    static let factBytes = 64.0

    /// Wang et al.'s synthetic composition graph (`SyntheticGraph.composition`) and the dataset
    /// built from it: `entities × outDegree` facts and about `entities × outDegree^hops` walks.
    public static func syntheticComposition(entities: Int, relations: Int, outDegree: Int, options: CompositionOptions) -> DatasetSize {
        let e = Double(entities), d = Double(max(outDegree, 0))
        let facts = e * d
        var parts = [
            Part(bytes: facts * factBytes + e * (nameBytes + 8), options: "\(option: "entities") or \(option: "out-degree")"),
            Part(bytes: Double(relations) * nameBytes, options: "\(option: "relations")"),
        ]
        parts += composition(facts: facts, walks: e * pow(d, Double(options.hops)), options: options,
                             graphOptions: "\(option: "entities"), \(option: "out-degree")").parts
        return DatasetSize(parts: parts)
    }

    /// What `CompositionDataset.build` holds for a graph of `facts` facts with `walks` walks of
    /// `options.hops` facts: the ID/OOD split, the sampled training compositions and the test pools.
    /// `graphOptions` name what sets the graph's size, for a synthetic one.
    public static func composition(facts: Double, walks: Double, options: CompositionOptions, graphOptions: ErrorMessage? = nil) -> DatasetSize {
        let scale: ErrorMessage = graphOptions.map { $0 + ", " } ?? ""
        let item = Double(options.hops) * 4 + 8
        let idAtomic = facts * (1 - options.oodRatio)
        var train = min(options.phi * idAtomic, walks)
        var tests = walks * (options.iidTestProbability + pow(options.oodRatio, Double(options.hops)))
        if let cap = options.maxItems { train = min(train, Double(cap)) }
        tests = max(tests, 0)
        return DatasetSize(parts: [
            Part(bytes: facts * 9, options: graphOptions ?? "the graph"),
            Part(bytes: train * item, options: scale + "\(option: "phi") or \(option: "max-items")"),
            Part(bytes: tests * item, options: scale + "\(option: "iid-test-prob") or \(option: "ood-ratio")"),
        ])
    }

    /// Wang et al.'s synthetic comparison table (`AttributeTable.synthetic`) and its dataset:
    /// an `attributes × entities` value table, the ID/OOD atomic facts and the sampled pairs.
    public static func syntheticComparison(entities: Int, attributes: Int, values: Int, options: ComparisonOptions) -> DatasetSize {
        let e = Double(entities), a = Double(attributes)
        let atomic = a * e
        var train = options.phi * atomic * options.idEntityRatio
        if let cap = options.maxItems { train = min(train, Double(cap)) }
        return DatasetSize(parts: [
            // Values (4 bytes), ID/OOD atomic facts (8) and per-attribute entity sets (4 + 1).
            Part(bytes: atomic * 17, options: "\(option: "attributes") or \(option: "entities")"),
            Part(bytes: (e + 4 * a) * nameBytes, options: "\(option: "entities")"),
            Part(bytes: Double(values) * nameBytes, options: "\(option: "values")"),
            // A pair (12 bytes) and its sampled ordinal (8).
            Part(bytes: train * 20, options: "\(option: "attributes"), \(option: "entities"), \(option: "phi") or \(option: "max-items")"),
        ])
    }

    /// Nil when the estimate fits `budget`; otherwise the refusal naming `what`, the estimate, the
    /// limit and the options of the largest part.
    public func refusal(_ what: String, budget: MemoryBudget) -> MemoryRefusal? {
        budget.refusal(what, needs: bytes, lower: remedy)
    }
}
