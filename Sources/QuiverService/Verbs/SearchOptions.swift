import Foundation
import QuiverCore
import QuiverPaths

/// The options every path verb shares (direction, exclusions, provenance, hops, limit, time),
/// declared once for NEIGHBORS, PATHS, REACH and HOP on both surfaces.
public struct SearchOptions: Sendable {
    public var path = PathOptions()
    public var timeout: Duration?

    public static let specs: [OptionSpec] = [
        OptionSpec("dir", .choice(["out", "in", "both"]), value: "d", help: "Follow edges out, in or both.", default: "out"),
        OptionSpec("exclude-rel", .text, value: "r", help: "A relation never followed.", repeatable: true),
        OptionSpec("exclude-node", .text, value: "n", help: "A node never entered.", repeatable: true),
        OptionSpec("include", .text, value: "list", help: "Provenances followed besides asserted: inferred,synthetic,corrupted."),
        OptionSpec("max-hops", .integer, value: "n", help: "The most steps (default and ceiling: the hops ceiling)."),
        OptionSpec("hops-ceiling", .integer, value: "n", help: "The highest --max-hops allowed.", default: "16", surfaces: .cli),
        OptionSpec("limit", .integer, value: "n", help: "The most answers.", default: "100"),
        OptionSpec("timeout-ms", .integer, value: "ms", help: "Stop after this many milliseconds, answering what was found.",
                   aliases: ["timeout"]),
    ]

    public init() {}

    public init(_ args: ParsedArguments) throws(RequestError) {
        if let d = args.text("dir") { path.direction = Direction(rawValue: d) ?? .out }
        path.excludedRelations = args.values("exclude-rel")
        path.excludedNodes = args.values("exclude-node")
        if let include = args.text("include") {
            for name in include.split(separator: ",") {
                guard let p = Provenance(name: String(name)) else {
                    throw .usage("\(option: "include"): unknown provenance '\(name)' (asserted, inferred, synthetic, corrupted)")
                }
                path.provenances.insert(p)
            }
        }
        path.maxHops = try args.integer("max-hops")
        if let limit = try args.integer("limit") {
            guard limit >= 0 else { throw .usage("\(option: "limit") must be at least 0, not \(limit)") }
            path.limit = limit
        }
        timeout = try args.milliseconds("timeout-ms")
    }

    /// What a batch of queries from a file (`--pairs`, `--sources`) needs: the file's text, one
    /// engine with its scratch buffers reserved once, and the options with the budget applied.
    func batch(_ file: String, graph: String, timeout: Duration?, in context: any GraphContext) throws
        -> (text: String, engine: PathEngine, scratch: SearchScratch, options: PathOptions) {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw RequestError.invalid("cannot read \(file)") }
        let engine = try context.engine(graph)
        // After the engine: the CLI's deadline counts from here, not from before the snapshot build.
        let options = try context.budget(timeout: timeout).apply(to: path)
        let scratch = SearchScratch()
        scratch.reserve(for: engine)
        return (text, engine, scratch, options)
    }

    /// The options with the budget's limit, deadline and cancellation.
    public func applying(_ budget: ResultBudget) -> PathOptions { budget.apply(to: path) }
}

/// "… truncated (reason)" under a text answer, or nothing.
func truncationLine(_ reason: String?) -> [String] { reason.map { ["… truncated (\($0))"] } ?? [] }
