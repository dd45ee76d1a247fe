import Foundation
import QuiverCore
import QuiverGraph
import QuiverPaths

/// `quiver eval` / `EVAL`: a saved model's filtered MRR and Hits@1/3/10 on a split.
public struct EvalRequest: Verb {
    public static let spec = VerbSpec(
        "eval", summary: "Evaluate a saved model by the filtered ranking protocol: MRR and Hits@1/3/10 on a split.",
        discussion: """
            For every triple (h, r, t) of the split, ranks t among all entities for (h, r, ?) and h for
            (t, r⁻¹, ?), after removing every other known answer from train, valid and test. Ties
            take the mean of their positions. Reports MRR and Hits@1/3/10 per direction and both
            together (the --json top level).
            """,
        positionals: [PositionalSpec("graph", "The graph.")],
        options: [
            OptionSpec("model", .text, value: "name", help: "The saved model's name (the name given to train); required."),
            OptionSpec("split", .text, value: "train|valid|test", help: "The facts to rank.", default: "test"),
            OptionSpec("threads", .integer, value: "n", help: "Worker threads (default: all cores).", surfaces: .cli),
            OptionSpec("sample", .integer, value: "n", help: "Rank a seeded random sample of n of the split's facts instead of all of them (an estimate for big graphs; the exact protocol is the default)."),
            OptionSpec("seed", .integer, value: "s", help: "The sample's seed.", default: "1"),
            // Daemon only, as before: the CLI's eval runs to the end, and an interrupted one
            // reports nothing (a partial MRR would mislead), so a deadline there only loses work.
            OptionSpec("timeout-ms", .integer, value: "ms", help: "Stop with an error after this many milliseconds.",
                       surfaces: .daemon, aliases: ["timeout"]),
        ],
        examples: ["eval kinships --model complex", "eval kinships --model nbf --split valid --json", "eval big --model complex --sample 1000"],
        group: "models")

    public var graph: String
    public var model: String
    public var split = Split.test
    public var threads: Int?
    public var timeout: Duration?
    public var sample: Int?
    public var seed: UInt64 = 1

    public init(_ args: ParsedArguments) throws(RequestError) {
        graph = args.positional("graph") ?? ""
        sample = try args.integer("sample")
        if let sample, sample < 1 { throw .usage("\(option: "sample") must be at least 1") }
        if let s = try args.integer("seed") {
            guard s >= 0 else { throw .usage("\(option: "seed") must not be negative") }
            seed = UInt64(s)
        }
        guard let model = args.text("model") else {
            throw .usage("\(args.surface == .cli ? "eval" : "EVAL") needs \(option: "model") name (the name given to \(command: "train"))")
        }
        self.model = model
        split = try args.split("split") ?? .test
        threads = try args.integer("threads")
        if let threads, threads < 1 { throw .usage("\(option: "threads") must be at least 1") }
        timeout = try args.milliseconds("timeout-ms")
    }

    public func run(in context: any GraphContext) throws -> EvalJSON {
        let snapshot = try context.snapshot(graph)
        let stop = try context.budget(timeout: timeout).stop
        return try modelWork {
            try ModelService.evaluate(try context.model(model, of: snapshot), split: split, threads: threads, stop: stop, sample: sample, seed: seed)
        }
    }

    public func text(_ out: EvalJSON) -> String {
        let sampled = out.sampled.map { ", a seeded sample of \($0) of its \(out.splitFacts ?? 0) facts" } ?? ""
        var lines = ["\(out.model) on \(out.graph), split \(out.split)\(sampled), filtered (\(out.both.count) queries, \(String(format: "%.2f", out.seconds)) s):",
                     "direction  MRR     Hits@1  Hits@3  Hits@10  mean rank"]
        for (label, m) in [("tail", out.tail), ("head", out.head), ("both", out.both)] {
            lines.append(label.padding(toLength: 9, withPad: " ", startingAt: 0)
                         + String(format: "  %.4f  %.4f  %.4f  %.4f   %.2f", m.mrr, m.hits1, m.hits3, m.hits10, m.meanRank))
        }
        return lines.joined(separator: "\n")
    }
}

/// `quiver score` / `SCORE`: the ranked answers of (head, relation, ?) by a saved model.
public struct ScoreRequest: Verb {
    public static let spec = VerbSpec(
        "score", summary: "Rank the answers of (head, relation, ?) with a saved model, with supporting paths.",
        discussion: """
            RELATION may be written ^name to ask for heads: (?, name, HEAD). --explain N adds, per
            answer, the N paths from HEAD that contribute most to its score: for nbf by the gradient
            of the score w.r.t. each edge's weight (NBFNet's interpretation); for KGE models by how
            well each path's composed relation embeddings match the query relation. --expand ppr adds
            --expand-k more candidates (G-CRS-style) from a personalized PageRank seeded with the
            top answers.
            """,
        positionals: [PositionalSpec("graph", "The graph."), PositionalSpec("head", "The head entity.", noun: "head entity"),
                      PositionalSpec("relation", "The relation (^name for the inverse).")],
        options: [
            OptionSpec("model", .text, value: "name", help: "The saved model's name.", default: "complex"),
            OptionSpec("top-k", .integer, value: "k", help: "How many answers.", default: "10"),
            OptionSpec("explain", .integer, value: "n", help: "Supporting paths per answer.", default: "0"),
            OptionSpec("expand", .choice(["ppr"]), value: "method",
                       help: "ppr: propose more candidates by personalized PageRank from the answers."),
            OptionSpec("expand-k", .integer, value: "n", help: "How many candidates --expand proposes.", default: "10"),
            OptionSpec("threads", .integer, value: "n", help: "Worker threads (default: all cores).", surfaces: .cli),
        ],
        examples: ["score kinships person0 term7 --model complex --top-k 5", "score kinships person0 term7 --model nbf --explain 3 --json",
                   "score nations usa ^embassy --model complex --expand ppr --expand-k 5"],
        group: "models")

    public var graph: String
    public var head: String
    public var relation: String
    public var model = "complex"
    public var topK = 10
    public var explain = 0
    /// How many candidates the PageRank expansion proposes; 0 without `expand`.
    public var expand = 0
    public var threads: Int?

    public init(_ args: ParsedArguments) throws(RequestError) {
        graph = args.positional("graph") ?? ""
        head = args.positional("head") ?? ""
        relation = args.positional("relation") ?? ""
        model = args.text("model") ?? "complex"
        topK = try args.integer("top-k") ?? 10
        explain = try args.integer("explain") ?? 0
        let expandK = try args.integer("expand-k") ?? 10
        guard topK >= 0, explain >= 0, expandK >= 0 else {
            throw .usage("\(option: "top-k"), \(option: "explain") and \(option: "expand-k") must be at least 0")
        }
        // EXPAND-K alone asks for nothing: ppr is the one expansion, and it is asked for by name.
        expand = args.has("expand") ? expandK : 0
        threads = try args.integer("threads")
        if let threads, threads < 1 { throw .usage("\(option: "threads") must be at least 1") }
    }

    public func run(in context: any GraphContext) throws -> ScoreJSON {
        let snapshot = try context.snapshot(graph)
        return try modelWork {
            try ModelService.score(try context.model(model, of: snapshot), snapshot: snapshot, head: head, relation: relation,
                                   topK: topK, explain: explain, expand: expand, threads: threads)
        }
    }

    public func text(_ out: ScoreJSON) -> String {
        let width = max(6, out.answers.map(\.entity.count).max() ?? 0)
        var lines = ["(\(out.head), \(out.relation), ?) by \(out.model):"]
        for a in out.answers {
            lines.append(String(format: "%3d  ", a.rank) + a.entity.padding(toLength: width, withPad: " ", startingAt: 0)
                         + String(format: "  %10.4f", a.score) + (a.known ? "  (stored fact)" : ""))
            for e in a.explanations ?? [] {
                lines.append("       " + String(format: "%+.4f  ", e.importance) + NamedPath(nodes: e.nodes, edges: e.edges).text)
            }
        }
        if let expanded = out.expanded {
            lines.append("more candidates by personalized PageRank from the answers:")
            for x in expanded {
                lines.append("     " + x.entity.padding(toLength: width, withPad: " ", startingAt: 0)
                             + String(format: "  ppr %.5f  model rank %d", x.ppr, x.rank))
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Runs model work, presenting what ModelService refuses (no such split, a limit passed, an
/// unknown node) as bad input: exit 1 on the CLI, `ERR` from the daemon, as before.
func modelWork<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as ModelService.Invalid { throw RequestError.invalid(e.message) }
}
