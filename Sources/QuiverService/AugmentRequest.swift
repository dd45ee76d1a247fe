import Foundation
import QuiverAugment
import QuiverCore
import QuiverParsers
import QuiverGraph
import QuiverSnapshot
import QuiverStore

/// A dataset to generate, as `quiver augment` and the daemon's `AUGMENT` ask for it: from a
/// stored graph or a synthetic one, written to `out` in Wang et al.'s format.
public struct AugmentRequest: Sendable {
    public enum Task: String, Sendable { case composition, comparison }

    public var graph: String?
    public var synthetic = false
    public var entities = 2000
    public var relations = 200
    public var outDegree = 20
    public var attributes = 20
    public var values = 20
    public var out: String
    /// When set, the last component of `out` is created inside this directory through its
    /// descriptor: never through a link, and only new or empty (the daemon's `--export-dir`).
    /// nil: `out` and its parents are created as paths (the CLI).
    public var outParent: String?
    public var task = Task.composition
    public var hops = 2
    public var phi = 7.2
    public var oodRatio: Double?
    public var iidTestProbability: Double?
    public var probeSize = 3000
    public var seed: UInt64?
    public var maxItems: Int?
    public var split: Split?
    public var ambiguity = AmbiguityPolicy.drop
    public var jsonl = false
    public var targetPhiR: Double?
    public var targetPhi: Double?
    public var augmentRelations: [String] = []
    public var corruptRate = 0.0
    public var bridgeOutDegree: Int?
    public var existingRelations = false
    public var chainRules = true
    public var intoGraph: String?
    /// Set from another thread (JOB CANCEL) to stop the run between its phases, before anything
    /// is stored or written.
    public var cancellation: CancellationToken?

    public init(graph: String?, out: String) {
        self.graph = graph
        self.out = out
    }

    /// A request that cannot run, or a run whose self-checks failed.
    public typealias Failure = RequestError

    public func validate() throws(Failure) {
        if synthetic == (graph != nil) { throw Failure(.usage, "give a GRAPH or \(option: "synthetic") (exactly one)") }
        if synthetic && (targetPhiR != nil || targetPhi != nil || intoGraph != nil) {
            throw Failure(.usage, "\(option: "target-phi-r"), \(option: "target-phi") and \(option: "into-graph") need a stored GRAPH")
        }
        if (targetPhiR != nil || targetPhi != nil) && hops != 2 {
            throw Failure(.usage, "\(option: "target-phi-r") and \(option: "target-phi") raise 2-hop phi_r; with \(option: "hops") \(hops) the dataset's phi_r would not be "
                          + "the one targeted. Augment with \(option: "hops") 2 (and \(option: "into-graph") NAME), then build the \(hops)-hop dataset from that graph")
        }
        if intoGraph != nil && targetPhiR == nil && targetPhi == nil && !chainRules {
            throw Failure(.usage, "\(option: "into-graph") stores an augmented graph: give \(option: "target-phi-r") or \(option: "target-phi") (or allow chain rules)")
        }
        func usage(_ check: () throws(AugmentError) -> Void) throws(Failure) {
            do { try check() } catch { throw Failure(.usage, error.message) }
        }
        switch task {
        case .composition: try usage { () throws(AugmentError) in try compositionOptions(seed: 0).validate() }
        case .comparison: try usage { () throws(AugmentError) in try comparisonOptions(seed: 0).validate() }
        }
        for (name, target) in [("target-phi-r", targetPhiR), ("target-phi", targetPhi)] {
            if let target, !(target > 0 && target.isFinite) {
                throw Failure(.usage, "\(option: name) must be a positive number (got \(target))")
            }
        }
        if !(corruptRate >= 0 && corruptRate <= 10) { throw Failure(.usage, "\(option: "corrupt-rate") must be in [0, 10] (got \(corruptRate))") }
        if let d = bridgeOutDegree, d < 1 { throw Failure(.usage, "\(option: "bridge-out-degree") must be at least 1 (got \(d))") }
        guard synthetic else { return }
        // Synthetic sizes are known now: refuse what cannot fit before generating anything.
        let size: DatasetSize
        switch task {
        case .composition:
            if entities < 1 || relations < 1 { throw Failure(.usage, "\(option: "entities") and \(option: "relations") must be at least 1") }
            if outDegree < 0 || outDegree > relations {
                throw Failure(.usage, "\(option: "out-degree") \(outDegree) needs 0...\(relations) (each entity's relations are distinct)")
            }
            size = DatasetSize.syntheticComposition(entities: entities, relations: relations, outDegree: outDegree,
                                                    options: compositionOptions(seed: 0))
        case .comparison:
            if entities < 2 || attributes < 1 || values < 1 {
                throw Failure(.usage, "comparison needs \(option: "entities") ≥ 2, \(option: "attributes") ≥ 1, \(option: "values") ≥ 1")
            }
            size = DatasetSize.syntheticComparison(entities: entities, attributes: attributes, values: values,
                                                   options: comparisonOptions(seed: 0))
        }
        // Ids are Int32 throughout the generators.
        let largest = max(entities, task == .composition ? relations : max(attributes, values))
        if largest > Int(Int32.max) { throw Failure(.tooLarge, "synthetic sizes must be at most \(Int32.max) (got \(largest))") }
        let shape = task == .composition ? "\(entities) entities, \(relations) relations and out-degree \(outDegree)"
            : "\(entities) entities, \(attributes) attributes and \(values) values"
        if let refusal = size.refusal("a synthetic \(task.rawValue) dataset of \(shape)", budget: .current) {
            throw Failure(refusal.category, refusal.message)
        }
    }

    /// The composition task's options from this request.
    func compositionOptions(seed: UInt64) -> CompositionOptions {
        var o = CompositionOptions()
        o.hops = hops
        o.phi = phi
        o.oodRatio = oodRatio ?? 0.05
        o.iidTestProbability = iidTestProbability ?? 0.005
        o.probeSize = probeSize
        o.seed = seed
        o.maxItems = maxItems
        o.ambiguity = ambiguity
        return o
    }

    /// The comparison task's options from this request.
    func comparisonOptions(seed: UInt64) -> ComparisonOptions {
        var o = ComparisonOptions()
        o.phi = phi
        o.idEntityRatio = 1 - (oodRatio ?? 0.1)
        o.iidTestProbability = iidTestProbability ?? 0.1
        o.probeSize = probeSize
        o.seed = seed
        o.maxItems = maxItems
        return o
    }

    public enum Outcome: Encodable, Sendable {
        case composition(AugmentSummary)
        case comparison(ComparisonChecks)

        /// What `--json` prints and `AUGMENT`'s job answers.
        public func encode(to encoder: Encoder) throws {
            switch self {
            case .composition(let s): try s.encode(to: encoder)
            case .comparison(let c): try c.encode(to: encoder)
            }
        }

        /// The outcome for a person.
        public var text: String {
            switch self {
            case .composition(let summary): return summary.text
            case .comparison(let checks):
                return "comparison: \(groupedCount(checks.train_items)) train, \(groupedCount(checks.valid_items)) valid, \(groupedCount(checks.test_items)) test items\n"
                    + String(format: "phi %.3f (target %.3f); labels less/equal/greater %@; %@",
                             checks.phi_realised, checks.phi_target, checks.label_counts.map(String.init).joined(separator: "/"),
                             checks.passed ? "self-checks passed" : "FAILED: " + checks.failures.joined(separator: "; "))
            }
        }
    }

    /// Builds and writes the dataset. `progress(label, fraction, count)` reports long phases.
    /// Throws `Failure` when the self-checks fail (after writing the files and stats.json).
    /// Throws when `cancellation` was set: the run stops before its next phase.
    func checkCancelled() throws {
        if let cancellation, cancellation.isCancelled {
            throw Failure(.cancelled, "the augmentation was cancelled before it finished; nothing more was stored or written")
        }
    }

    /// `snapshot` gives the stored graph's snapshot (by default, built from the store).
    public func run(
        store: Store?, snapshot: ((String) throws -> CSRSnapshot)? = nil, progress: ((String, Double?, Int) -> Void)? = nil
    ) throws -> Outcome {
        let snapshotOf: (String) throws -> CSRSnapshot = snapshot ?? { graph in
            guard let store else { throw Failure(.internal, "a stored graph needs the store") }
            return try SnapshotLoader(store: store).build(graph: graph)
        }
        try validate()
        let started = Date()
        let seed = self.seed ?? UInt64.random(in: 0...UInt64(UInt32.max))
        if task == .comparison { return .comparison(try runComparison(snapshotOf: snapshotOf, seed: seed)) }
        var facts: FactGraph
        var named = false
        var extras: [String: String] = [:]
        var augmentation: AugmentationReport?
        if synthetic {
            var rng = SeededRandom.stream(seed: seed, step: 0)
            facts = try SyntheticGraph.composition(entities: entities, relations: relations, outDegree: outDegree, rng: &rng)
        } else {
            guard let store, let graph else { throw Failure(.internal, "a stored graph needs the store") }
            facts = FactGraph(snapshot: try snapshotOf(graph), split: split)
            named = true
            if chainRules {
                let onto = try store.ontology(graph: graph)
                if !onto.chains.isEmpty {
                    let applied = ChainRules.apply(onto, to: facts)
                    facts = applied.graph
                    extras["chain_rule_facts"] = String(applied.added)
                }
            }
            if targetPhiR != nil || targetPhi != nil {
                var o = AugmentationOptions()
                o.targetPhiR = targetPhiR
                o.targetPhi = targetPhi
                o.relations = augmentRelations.isEmpty ? nil : augmentRelations
                o.corruptRate = corruptRate
                o.bridgeOutDegree = bridgeOutDegree
                o.syntheticRelations = !existingRelations
                o.seed = seed
                o.memoryBudget = .current
                let result = try Augmenter.augment(facts, options: o)
                facts = result.graph
                augmentation = result.report
            }
            if let intoGraph {
                try checkCancelled()
                progress?("storing \(intoGraph)", nil, facts.factCount)
                try storeGraph(facts, as: intoGraph, store: store)
            }
        }
        try checkCancelled()
        let o = compositionOptions(seed: seed)
        let ds = try CompositionDataset.build(graph: facts, options: o) { f in progress?("composing", f, 0) }
        try checkCancelled()
        progress?("writing \(out)", nil, ds.trainInferred.count)
        let directory = try outputDirectory()
        let checks = try DatasetWriter(dataset: ds, writeNames: named, writeJSONL: jsonl).writeChecked(into: directory)
        let summary = AugmentSummary(checks: checks, augmentation: augmentation, extras: extras,
                                     seconds: Date().timeIntervalSince(started), out: out)
        try summary.write(into: directory)
        if !checks.passed { throw Failure(.internal, "self-checks failed: \(checks.failures.joined(separator: "; "))") }
        return .composition(summary)
    }

    /// `out`, created as `outParent` says.
    private func outputDirectory() throws -> OutputDirectory {
        guard let outParent else { return try OutputDirectory(creating: out) }
        return try OutputDirectory(creatingEntry: URL(fileURLWithPath: out).lastPathComponent, inside: outParent)
    }

    private func runComparison(snapshotOf: (String) throws -> CSRSnapshot, seed: UInt64) throws -> ComparisonChecks {
        let o = comparisonOptions(seed: seed)
        let kb: AttributeTable
        if synthetic {
            kb = try AttributeTable.synthetic(entities: entities, attributes: attributes, values: values, seed: seed)
        } else {
            guard let graph else { throw Failure(.internal, "a stored graph needs its name") }
            kb = try AttributeTable(snapshot: try snapshotOf(graph))
        }
        let ds = try ComparisonDataset.build(kb, options: o)
        let directory = try outputDirectory()
        try ds.write(into: directory, writeNames: !synthetic)
        let checks = ds.checks
        try directory.write("stats.json", Array(try checks.jsonData()))
        if !checks.passed { throw Failure(.internal, "self-checks failed: \(checks.failures.joined(separator: "; "))") }
        return checks
    }
}

/// stats.json: the self-checks, what augmentation did, and timing.
public struct AugmentSummary: Encodable, Sendable {
    public var checks: SelfChecks
    public var augmentation: AugmentationReport?
    public var extras: [String: String]
    public var seconds: Double
    public var out: String

    /// Writes stats.json into `directory`.
    public func write(into directory: OutputDirectory) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // stats.json leaves out the timing so that a seeded run is byte-for-byte repeatable.
        struct Stored: Encodable { var checks: SelfChecks; var augmentation: AugmentationReport?; var extras: [String: String] }
        try directory.write("stats.json", Array(try encoder.encode(Stored(checks: checks, augmentation: augmentation, extras: extras))))
    }

    /// The summary a person reads after `quiver augment`.
    /// The summary for a person: what was written, the closure, phi, augmentation, self-checks.
    public var text: String {
        let c = checks
        var lines = [
            "wrote \(out): \(groupedCount(c.train_items)) train (\(groupedCount(c.id_atomic)) ID + \(groupedCount(c.ood_atomic)) OOD atomic, \(groupedCount(c.train_inferred)) inferred), \(groupedCount(c.valid_items)) valid, \(groupedCount(c.test_items)) test items in \(String(format: "%.2f", seconds)) s",
            "closure: \(groupedCount(c.walks)) \(c.hops)-hop walks, \(groupedCount(c.candidates)) candidates, \(groupedCount(c.test_inferred_iid_pool)) iid / \(groupedCount(c.test_inferred_ood_pool)) ood test facts, \(groupedCount(c.mixed_dropped)) mixed dropped",
            String(format: "phi %.4f realised (target %.4f, max %.4f)", c.phi_realised, c.phi_target, c.phi_maximum),
        ]
        if let a = augmentation {
            lines.append(String(format: "augmentation: phi %.3f -> %.3f; %d bridges, %d relations, %d synthetic and %d corrupted facts added",
                                a.phi_before, a.phi_after, a.bridges_added, a.relations_added, a.synthetic_facts, a.corrupted_facts))
        }
        for (k, v) in extras.sorted(by: { $0.key < $1.key }) { lines.append("\(k.replacingOccurrences(of: "_", with: " ")): \(v)") }
        lines.append("self-checks: derivable \(c.underivable == 0 ? "ok" : "\(c.underivable) not"), test∩train \(c.test_train_overlap), two-target inputs \(c.inputs_with_two_targets), ID atomic coverage \(String(format: "%.3f", c.id_atomic_coverage))"
            + (c.chi_square.map { String(format: ", chi-square %.1f (df %d, p %.3f)", $0.statistic, $0.degrees_of_freedom, $0.p_value) } ?? "")
            + ", longest sequence \(c.longest_sequence), tokens outside vocab \(c.tokens_outside_vocab): " + (c.passed ? "PASS" : "FAIL"))
        return lines.joined(separator: "\n")
    }
}

/// Writes `facts` as a new graph: one load per (provenance, split), so every fact keeps its labels.
func storeGraph(_ facts: FactGraph, as name: String, store st: Store) throws {
    if try st.graph(named: name) != nil { throw AugmentRequest.Failure(.invalidInput, "graph '\(name)' exists; drop it first or choose another \(option: "into-graph")") }
    let plain = !(facts.entityNames + facts.relationNames).contains { $0.hasPrefix("<") || $0.hasPrefix("\"") || $0.hasPrefix("_:") }
    let writer = TripleWriter(format: plain ? .tsv : .ntriples)
    func term(_ s: String) -> Term {
        if s.hasPrefix("<") && s.hasSuffix(">") { return .iri(String(s.dropFirst().dropLast())) }
        if s.contains("://") || s.hasPrefix("urn:") { return .iri(s) }
        return .name(s)
    }
    var groups: [String: (Provenance, Split?, [UInt8])] = [:]
    for f in facts.facts {
        let key = "\(f.provenance.rawValue)-\(f.split.map { String($0.rawValue) } ?? "none")"
        var entry = groups[key] ?? (f.provenance, f.split, [])
        try writer.append(term(facts.entityNames[Int(f.head)]), term(facts.relationNames[Int(f.relation)]), term(facts.entityNames[Int(f.tail)]), to: &entry.2)
        groups[key] = entry
    }
    for key in groups.keys.sorted() {
        let (p, s, bytes) = groups[key]!
        _ = try st.load(graph: name, inputs: [.bytes(name: "\(name)-\(p)", bytes)],
                        options: LoadOptions(format: plain ? .tsv : .ntriples, split: s, provenance: p))
    }
}

/// Formats a count with thousands separators: 1234567 -> "1,234,567".
public func groupedCount(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return n < 0 ? "-" + out : out
}
