import QuiverCore
import QuiverPaths

/// `quiver neighbors` / `NEIGHBORS`: the edges at a node.
public struct NeighborsRequest: Verb {
    public static let spec = VerbSpec(
        "neighbors", summary: "The edges at a node, with relation and direction.",
        positionals: [PositionalSpec("graph", "The graph."), PositionalSpec("node", "The node.")],
        options: [OptionSpec("rel", .text, value: "r", help: "Only this relation (an ontology inverse name works too).")] + SearchOptions.specs,
        examples: ["neighbors nations usa --dir both", "neighbors nations usa --rel embassy --json"])

    public var graph: String
    public var node: String
    public var relation: String?
    public var search: SearchOptions
    public var timeout: Duration? { search.timeout }

    public init(_ args: ParsedArguments) throws(RequestError) {
        graph = args.positional("graph") ?? ""
        node = args.positional("node") ?? ""
        relation = args.text("rel")
        search = try SearchOptions(args)
    }

    public func run(in context: any GraphContext) throws -> NeighborsJSON {
        let engine = try context.engine(graph)
        let budget = try context.budget(timeout: timeout)
        let r = try engine.neighbors(of: node, relation: relation, options: search.applying(budget))
        return NeighborsJSON(r, in: engine.snapshot, budget: budget)
    }

    public func text(_ answer: NeighborsJSON) -> String {
        (answer.neighbors.map { $0.direction == "out" ? "-\($0.relation)-> \($0.node)" : "<-\($0.relation)- \($0.node)" }
            + truncationLine(answer.reason)).joined(separator: "\n")
    }
}
