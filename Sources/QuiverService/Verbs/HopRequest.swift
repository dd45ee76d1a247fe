import QuiverCore
import QuiverPaths

/// `quiver hop` / `HOP`: composition, every tail t with head -r1-> … -rk-> t, with witnesses.
public struct HopRequest: Verb {
    public static let spec = VerbSpec(
        "hop", summary: "Composition: every tail t with HEAD -R1-> … -Rk-> t, with the bridge entities as witnesses.",
        positionals: [PositionalSpec("graph", "The graph."), PositionalSpec("head", "The head node.", noun: "head node"),
                      PositionalSpec("relation", "The relations, in order (r, ^r, or .).", .oneOrMore)],
        options: SearchOptions.specs,
        examples: ["hop nations usa embassy ^treaties", "hop nations usa embassy embassy --json"])

    public var graph: String
    public var head: String
    public var relations: [String]
    public var search: SearchOptions
    public var timeout: Duration? { search.timeout }

    public init(_ args: ParsedArguments) throws(RequestError) {
        graph = args.positional("graph") ?? ""
        head = args.positional("head") ?? ""
        relations = args.positionals("relation")
        search = try SearchOptions(args)
    }

    public func run(in context: any GraphContext) throws -> HopAnswer {
        let engine = try context.engine(graph)
        let budget = try context.budget(timeout: timeout)
        let r = try engine.hop(from: head, relations: relations, options: search.applying(budget))
        let json = HopJSON(r, in: engine.snapshot, budget: budget)
        return HopAnswer(json: json, reason: json.truncated ? (r.reason?.rawValue ?? "reply-size") : nil)
    }

    public func text(_ answer: HopAnswer) -> String {
        let lines = answer.json.tails.map { e in
            let w = e.witnesses.map { $0.isEmpty ? "(direct)" : $0.joined(separator: " → ") }
            return e.tail + (relations.count > 1 ? "  via " + w.joined(separator: "; ") : "")
        }
        return (lines + truncationLine(answer.reason)).joined(separator: "\n")
    }
}

/// HOP's answer: its JSON shape, and why it was cut (for the text; the JSON says only `truncated`).
public struct HopAnswer: Encodable, Sendable {
    public var json: HopJSON
    public var reason: String?
    public func encode(to encoder: Encoder) throws { try json.encode(to: encoder) }
}
