import QuiverAugment
import QuiverCore

/// `quiver phi` / `PHI`: atomic facts, k-hop compositions and phi, globally and per relation.
public struct PhiRequest: Verb {
    public static let spec = VerbSpec(
        "phi", summary: "How close a graph is to grokking: atomic facts, k-hop compositions and phi, globally and per relation.",
        discussion: PhiReport.definitions.map { "  - " + $0 }.joined(separator: "\n") + """


            Also answered: the highest Wang phi reachable without augmentation (expected value under --ood-ratio and --iid-test-prob), the out-degree distribution of bridge entities, and ambiguity ((h, r) pairs with several tails).
            """,
        positionals: [PositionalSpec("graph", "The graph.")],
        options: [
            OptionSpec("hops", .integer, value: "k", help: "Hops per composition (2, 3 or 4).", default: "2"),
            OptionSpec("split", .text, value: "s", help: "Only facts of this split: train, valid or test."),
            OptionSpec("ood-ratio", .number, value: "r", help: "For the expected maximum phi.", default: "0.05"),
            OptionSpec("iid-test-prob", .number, value: "p", help: "For the expected maximum phi.", default: "0.005"),
            OptionSpec("top", .integer, value: "n", help: "Relations to list in text output.", default: "20", surfaces: .cli),
            OptionSpec("timeout-ms", .integer, value: "ms", help: "Stop with an error after this many milliseconds.", aliases: ["timeout"]),
        ],
        examples: ["phi nations", "phi kinships --hops 3 --split train --json"])

    public var graph: String
    public var hops = 2
    public var split: Split?
    public var oodRatio = 0.05
    public var iidTestProbability = 0.005
    public var top = 20
    public var timeout: Duration?

    public init(_ args: ParsedArguments) throws(RequestError) {
        graph = args.positional("graph") ?? ""
        hops = try args.integer("hops") ?? 2
        split = try args.split("split")
        oodRatio = try args.number("ood-ratio") ?? 0.05
        iidTestProbability = try args.number("iid-test-prob") ?? 0.005
        top = max(0, try args.integer("top") ?? 20)
        timeout = try args.milliseconds("timeout-ms")
    }

    public func run(in context: any GraphContext) throws -> PhiReport {
        let facts = FactGraph(snapshot: try context.snapshot(graph), split: split)
        let stop = try context.budget(timeout: timeout).stop
        do {
            return try PhiReport(graph: graph, facts: facts, hops: hops, oodRatio: oodRatio, iidTestProbability: iidTestProbability,
                                 shouldStop: stop.shouldStop)
        } catch let e as AugmentError {
            // A bad HOPS or ratio is a usage error here, whatever the dataset builder calls it.
            throw RequestError.usage(e.message)
        }
    }

    public func text(_ report: PhiReport) -> String {
        var lines: [String] = []
        lines.append("graph \(graph)\(split.map { " (split \($0.description))" } ?? ""), \(hops)-hop compositions")
        lines.append("atomic facts      \(groupedCount(report.atomic))")
        lines.append("walks             \(groupedCount(report.walks))")
        lines.append("inferred facts    \(groupedCount(report.inferred))")
        lines.append(String(format: "phi               %.3f", report.phi))
        lines.append(String(format: "phi max (Wang)    %.3f expected without augmentation (unambiguous part: %@ atomic, %@ inferred)",
                            report.phi_maximum_expected, groupedCount(report.unambiguous_atomic), groupedCount(report.unambiguous_inferred)))
        lines.append("ambiguity         \(groupedCount(report.ambiguous_pairs)) (h, r) pairs with several tails (\(groupedCount(report.ambiguous_facts)) facts); \(groupedCount(report.ambiguous_inputs)) ambiguous \(hops)-hop inputs")
        lines.append(String(format: "bridge out-degree mean %.2f: ", report.bridge_out_degree_mean)
                     + report.bridge_out_degree.map { "\($0.min == $0.max ? "\($0.min)" : "\($0.min)-\($0.max)"): \($0.bridges)" }.joined(separator: ", "))
        lines.append("per relation (rarest first; phi by first hop / by last hop):")
        for r in report.per_relation.prefix(top) {
            let n = groupedCount(r.atomic)
            lines.append("  \(String(repeating: " ", count: max(0, 8 - n.count)) + n)  \(String(format: "%8.2f %8.2f", r.phi_first_hop, r.phi_last_hop))  \(r.relation)")
        }
        if report.per_relation.count > top { lines.append("  … \(report.per_relation.count - top) more (--top N, or --json)") }
        lines.append("definitions:")
        for d in report.definitions { lines.append("  - " + d) }
        return lines.joined(separator: "\n")
    }
}
