import QuiverAugment
import QuiverCore

/// `quiver augment` / `AUGMENT`: a grokking dataset from a stored graph or a synthetic one. The
/// options are `AugmentRequest`'s; the daemon runs it as a job writing into its `--export-dir`.
public struct AugmentVerb: Verb {
    public static let spec = VerbSpec(
        "augment", summary: "Write a grokking dataset (Wang et al.'s composition or comparison task) from a graph or a synthetic one.",
        discussion: """
            Output (OUT): train.json, valid.json, test.json, vocab.json in Wang et al.'s format (their main.py and eval_qa.py read it unchanged), names.json (token -> entity/relation name) for a stored graph, stats.json with the self-checks, and with --jsonl train/valid/test.jsonl with names, witness paths and provenance. The CLI's --out is a directory path; the daemon's OUT is the name of a new or empty directory inside its --export-dir.

            Composition: atomic facts are split ID/OOD (exactly round(--ood-ratio x atomic) OOD); inferred facts with all hops OOD are OOD tests, with mixed hops are dropped, all-ID ones become test_inferred_iid with --iid-test-prob and otherwise training candidates. Training holds every atomic fact plus round(phi x |ID atomic|) sampled candidates: phi's denominator is the ID atomic facts, as in their code. Probes: --probe-size per type.

            Augmentation of a stored graph (--target-phi-r X or --target-phi X, 2-hop): corrupted facts (--corrupt-rate) and synthetic bridges are added to the rarest relations first; --into-graph NAME stores the result (original facts plus added ones, with their provenance). An ontology's owl:propertyChainAxiom rules add inferred facts first (--no-chain-rules to skip).

            --seed makes every file byte-for-byte repeatable.
            """,
        positionals: [PositionalSpec("graph", "The stored graph (or --synthetic).", .optional)],
        options: [
            OptionSpec("out", .text, value: "dir", help: "Output directory (the daemon: a name inside --export-dir)."),
            OptionSpec("synthetic", .flag, help: "Generate Wang et al.'s random graph instead of reading one."),
            OptionSpec("entities", .integer, value: "n", help: "Synthetic entities.", default: "2000"),
            OptionSpec("relations", .integer, value: "n", help: "Synthetic relations.", default: "200"),
            OptionSpec("out-degree", .integer, value: "n", help: "Synthetic relations per entity.", default: "20"),
            OptionSpec("attributes", .integer, value: "n", help: "Synthetic comparison attributes.", default: "20"),
            OptionSpec("values", .integer, value: "n", help: "Synthetic comparison values per attribute.", default: "20"),
            OptionSpec("task", .choice(["composition", "comparison"]), value: "t", help: "composition or comparison.", default: "composition"),
            OptionSpec("hops", .integer, value: "k", help: "Hops per inferred fact (2, 3 or 4).", default: "2"),
            OptionSpec("phi", .number, value: "x", help: "Inferred training facts per ID atomic fact.", default: "7.2"),
            OptionSpec("ood-ratio", .number, value: "r", help: "Share of atomic facts (comparison: entities) held out."),
            OptionSpec("iid-test-prob", .number, value: "p", help: "Chance an ID inferred fact is a test_inferred_iid item (composition 0.005, comparison 0.1)."),
            OptionSpec("probe-size", .integer, value: "n", help: "Items per probe type.", default: "3000"),
            OptionSpec("seed", .text, value: "n", help: "Random seed; without one a seed is drawn and recorded in stats.json."),
            OptionSpec("max-items", .integer, value: "n", help: "Cap on training compositions and on each test pool."),
            OptionSpec("split", .text, value: "s", help: "Only facts of this split of the stored graph."),
            OptionSpec("ambiguous", .choice(["drop", "keep"]), value: "a", help: "drop or keep (h, r) pairs with several tails.", default: "drop"),
            OptionSpec("jsonl", .flag, help: "Also write train/valid/test.jsonl with names, witness paths and provenance."),
            OptionSpec("target-phi-r", .number, value: "x", help: "Augment until every relation's phi_r (first hop) reaches this."),
            OptionSpec("target-phi", .number, value: "x", help: "Augment rare relations first until the graph's phi reaches this."),
            OptionSpec("augment-relation", .text, value: "r", help: "Augment only this relation.", repeatable: true),
            OptionSpec("corrupt-rate", .number, value: "r", help: "Wrong-tail facts per fact of each augmented relation.", default: "0"),
            OptionSpec("bridge-out-degree", .integer, value: "n", help: "Out-degree of synthetic bridges (default ceil(target)+2)."),
            OptionSpec("existing-relations", .flag, help: "Bridges' out-edges use existing relations instead of synthetic ones."),
            OptionSpec("no-chain-rules", .flag, help: "Ignore the ontology's property chain axioms."),
            OptionSpec("into-graph", .text, value: "g", help: "Store the augmented graph under this name."),
        ],
        examples: [
            "augment --synthetic --entities 2000 --relations 200 --out-degree 20 --phi 7.2 --seed 1 --out data/comp",
            "augment nations --out data/nations --phi 1 --jsonl --seed 3",
            "augment kinships --target-phi-r 9 --into-graph kinships-aug --out data/kin --phi 5 --seed 3",
            "augment --synthetic --task comparison --entities 1000 --attributes 20 --phi 7.2 --out data/cmp --seed 1",
        ],
        writes: true)

    public var request: AugmentRequest

    public init(_ args: ParsedArguments) throws(RequestError) {
        guard let out = args.text("out") else {
            throw .usage(args.surface == .daemon ? "AUGMENT needs OUT name: a directory name (no '/') inside the server's --export-dir"
                                                 : "augment needs \(option: "out") DIR")
        }
        var r = AugmentRequest(graph: args.positional("graph"), out: out)
        r.synthetic = args.flag("synthetic")
        r.entities = try args.integer("entities") ?? r.entities
        r.relations = try args.integer("relations") ?? r.relations
        r.outDegree = try args.integer("out-degree") ?? r.outDegree
        r.attributes = try args.integer("attributes") ?? r.attributes
        r.values = try args.integer("values") ?? r.values
        r.task = try args.choice("task", as: AugmentRequest.Task.self) ?? .composition
        r.hops = try args.integer("hops") ?? r.hops
        r.phi = try args.number("phi") ?? r.phi
        r.oodRatio = try args.number("ood-ratio")
        r.iidTestProbability = try args.number("iid-test-prob")
        r.probeSize = try args.integer("probe-size") ?? r.probeSize
        if let seed = args.text("seed") {
            guard let n = UInt64(seed) else { throw .usage("\(option: "seed") must be a non-negative integer, not '\(seed)'") }
            r.seed = n
        }
        r.maxItems = try args.integer("max-items")
        r.split = try args.split("split")
        r.ambiguity = try args.choice("ambiguous", as: AmbiguityPolicy.self) ?? .drop
        r.jsonl = args.flag("jsonl")
        r.targetPhiR = try args.number("target-phi-r")
        r.targetPhi = try args.number("target-phi")
        r.augmentRelations = args.values("augment-relation")
        r.corruptRate = try args.number("corrupt-rate") ?? 0
        r.bridgeOutDegree = try args.integer("bridge-out-degree")
        r.existingRelations = args.flag("existing-relations")
        r.chainRules = !args.flag("no-chain-rules")
        r.intoGraph = args.text("into-graph")
        do { try r.validate() } catch { throw RequestError(error.category, error.message) }
        request = r
    }

    public func run(in context: any GraphContext) throws -> JobAnswer<AugmentRequest.Outcome> {
        var r = request
        // Where it may write is decided before the job starts, so a refusal answers at once.
        (r.out, r.outParent) = try context.outputDirectory(request.out)
        let prepared = r
        return try context.job(kind: "augment", graph: r.graph ?? "synthetic", foreground: false) { progress in
            var r = prepared
            r.cancellation = progress.cancellation
            // The graph as the surface holds it: the daemon's current version (merged), the
            // CLI's snapshot file or build.
            let outcome = try r.run(store: r.synthetic ? nil : context.store, snapshot: { try context.snapshot($0) }) { label, fraction, count in
                progress.report(label, fraction: fraction, items: count, unit: "items")
            }
            if let into = r.intoGraph { context.wrote(into) }
            return outcome
        }
    }

    public func text(_ answer: JobAnswer<AugmentRequest.Outcome>) -> String { answer.text(\.text) }
}
