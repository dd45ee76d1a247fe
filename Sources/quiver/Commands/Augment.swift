import ArgumentParser
import Foundation
import QuiverAugment
import QuiverCore
import QuiverParsers
import QuiverService
import QuiverGraph
import QuiverSnapshot
import QuiverStore

struct Augment: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a grokking dataset (Wang et al.'s composition or comparison task) from a graph or a synthetic one.",
        discussion: """
            Output (DIR): train.json, valid.json, test.json, vocab.json in Wang et al.'s format (their main.py and eval_qa.py read it unchanged), names.json (token -> entity/relation name) for a stored graph, stats.json with the self-checks, and with --jsonl train/valid/test.jsonl with names, witness paths and provenance.

            Composition: atomic facts are split ID/OOD (exactly round(--ood-ratio x atomic) OOD); inferred facts with all hops OOD are OOD tests, with mixed hops are dropped, all-ID ones become test_inferred_iid with --iid-test-prob and otherwise training candidates. Training holds every atomic fact plus round(phi x |ID atomic|) sampled candidates: phi's denominator is the ID atomic facts, as in their code. Probes: --probe-size per type.

            Augmentation of a stored graph (--target-phi-r X or --target-phi X, 2-hop): corrupted facts (--corrupt-rate) and synthetic bridges are added to the rarest relations first; --into-graph NAME stores the result (original facts plus added ones, with their provenance). An ontology's owl:propertyChainAxiom rules add inferred facts first (--no-chain-rules to skip).

            --seed makes every file byte-for-byte repeatable.

            Examples:
              quiver augment --synthetic --entities 2000 --relations 200 --out-degree 20 --phi 7.2 --seed 1 --out data/comp
              quiver augment nations --out data/nations --phi 1 --jsonl --seed 3
              quiver augment kinships --target-phi-r 9 --into-graph kinships-aug --out data/kin --phi 5 --seed 3
              quiver augment --synthetic --task comparison --entities 1000 --attributes 20 --phi 7.2 --out data/cmp --seed 1
            """)

    @Argument(help: "The stored graph (or --synthetic).") var graph: String?
    @Flag(help: "Generate Wang et al.'s random graph instead of reading one.") var synthetic = false
    @Option(help: "Synthetic entities.") var entities = 2000
    @Option(help: "Synthetic relations.") var relations = 200
    @Option(name: .customLong("out-degree"), help: "Synthetic relations per entity.") var outDegree = 20
    @Option(help: "Synthetic comparison attributes.") var attributes = 20
    @Option(help: "Synthetic comparison values per attribute.") var values = 20
    @Option(help: ArgumentHelp("Output directory.", valueName: "dir")) var out: String
    @Option(help: "composition or comparison.") var task = "composition"
    @Option(help: "Hops per inferred fact (2, 3 or 4).") var hops = 2
    @Option(help: "Inferred training facts per ID atomic fact.") var phi = 7.2
    @Option(name: .customLong("ood-ratio"), help: "Share of atomic facts (comparison: entities) held out.") var oodRatio: Double?
    @Option(name: .customLong("iid-test-prob"), help: "Chance an ID inferred fact is a test_inferred_iid item (composition 0.005, comparison 0.1).") var iidTestProb: Double?
    @Option(name: .customLong("probe-size"), help: "Items per probe type.") var probeSize = 3000
    @Option(help: "Random seed; without one a seed is drawn and recorded in stats.json.") var seed: UInt64?
    @Option(name: .customLong("max-items"), help: "Cap on training compositions and on each test pool.") var maxItems: Int?
    @Option(help: "Only facts of this split of the stored graph.") var split: String?
    @Option(help: "drop (default) or keep (h, r) pairs with several tails.") var ambiguous = "drop"
    @Flag(help: "Also write train/valid/test.jsonl with names, witness paths and provenance.") var jsonl = false
    @Option(name: .customLong("target-phi-r"), help: "Augment until every relation's phi_r (first hop) reaches this.") var targetPhiR: Double?
    @Option(name: .customLong("target-phi"), help: "Augment rare relations first until the graph's phi reaches this.") var targetPhi: Double?
    @Option(name: .customLong("augment-relation"), help: "Augment only this relation (repeatable).") var augmentRelation: [String] = []
    @Option(name: .customLong("corrupt-rate"), help: "Wrong-tail facts per fact of each augmented relation.") var corruptRate = 0.0
    @Option(name: .customLong("bridge-out-degree"), help: "Out-degree of synthetic bridges (default ceil(target)+2).") var bridgeOutDegree: Int?
    @Flag(name: .customLong("existing-relations"), help: "Bridges' out-edges use existing relations instead of synthetic ones.") var existingRelations = false
    @Flag(name: .customLong("no-chain-rules"), help: "Ignore the ontology's property chain axioms.") var noChainRules = false
    @Option(name: .customLong("into-graph"), help: "Store the augmented graph under this name.") var intoGraph: String?
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if synthetic == (graph != nil) { throw ValidationError("give a GRAPH or --synthetic (exactly one)") }
        if task != "composition" && task != "comparison" { throw ValidationError("unknown --task '\(task)'; use composition or comparison") }
        if AmbiguityPolicy(rawValue: ambiguous) == nil { throw ValidationError("unknown --ambiguous '\(ambiguous)'; use drop or keep") }
        if let split, Split(name: split) == nil { throw ValidationError("unknown --split '\(split)'; use train, valid or test") }
        if synthetic && (targetPhiR != nil || targetPhi != nil || intoGraph != nil) {
            throw ValidationError("--target-phi-r, --target-phi and --into-graph need a stored GRAPH")
        }
        if intoGraph != nil && targetPhiR == nil && targetPhi == nil && noChainRules {
            throw ValidationError("--into-graph stores an augmented graph: give --target-phi-r or --target-phi (or allow chain rules)")
        }
    }

    var request: AugmentRequest {
        var r = AugmentRequest(graph: graph, out: out)
        r.synthetic = synthetic
        r.entities = entities
        r.relations = relations
        r.outDegree = outDegree
        r.attributes = attributes
        r.values = values
        r.task = AugmentRequest.Task(rawValue: task) ?? .composition
        r.hops = hops
        r.phi = phi
        r.oodRatio = oodRatio
        r.iidTestProbability = iidTestProb
        r.probeSize = probeSize
        r.seed = seed
        r.maxItems = maxItems
        r.split = split.flatMap(Split.init(name:))
        r.ambiguity = AmbiguityPolicy(rawValue: ambiguous) ?? .drop
        r.jsonl = jsonl
        r.targetPhiR = targetPhiR
        r.targetPhi = targetPhi
        r.augmentRelations = augmentRelation
        r.corruptRate = corruptRate
        r.bridgeOutDegree = bridgeOutDegree
        r.existingRelations = existingRelations
        r.chainRules = !noChainRules
        r.intoGraph = intoGraph
        return r
    }

    func run() throws {
        let bar = ProgressBar()
        defer { bar.finish() }
        let outcome: AugmentRequest.Outcome
        do {
            outcome = try request.run(store: synthetic ? nil : store.open()) { label, fraction, count in
                bar.update(label: label, fraction: fraction, count: count, unit: "items", force: fraction == nil)
            }
        } catch let e as AugmentRequest.Failure {
            throw CLIError(message: e.description, code: e.isUsage ? 2 : 1)
        } catch let e as AugmentError {
            throw CLIError(message: e.description, code: 1)
        }
        bar.finish()
        if output.json {
            FileHandle.standardOutput.write(Data(try outcome.jsonBytes()))
            print()
            return
        }
        switch outcome {
        case .composition(let summary):
            summary.printText()
        case .comparison(let checks):
            print("comparison: \(grouped(checks.train_items)) train, \(grouped(checks.valid_items)) valid, \(grouped(checks.test_items)) test items in \(out)")
            print(String(format: "phi %.3f (target %.3f); labels less/equal/greater %@; %@",
                         checks.phi_realised, checks.phi_target, checks.label_counts.map(String.init).joined(separator: "/"),
                         checks.passed ? "self-checks passed" : "FAILED: " + checks.failures.joined(separator: "; ")))
        }
    }
}

