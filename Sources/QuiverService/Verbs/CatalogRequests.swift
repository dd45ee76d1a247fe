import Foundation
import QuiverCore
import QuiverGraph
import QuiverStore

/// `quiver graphs` / `GRAPHS`: the graphs in the store.
public struct GraphsRequest: Verb {
    public static let spec = VerbSpec(
        "graphs", summary: "The graphs in the store with their triple counts.", positionals: [], options: [],
        examples: ["graphs", "graphs --json"], cheap: true)

    public init(_ args: ParsedArguments) throws(RequestError) {}

    public func run(in context: any GraphContext) throws -> GraphListJSON { GraphListJSON(try context.store.graphs()) }

    public func text(_ answer: GraphListJSON) -> String {
        if answer.graphs.isEmpty { return "no graphs yet; load one with `quiver load GRAPH FILE`" }
        let width = max(5, answer.graphs.map(\.name.count).max() ?? 0)
        return (["graph".padding(toLength: width, withPad: " ", startingAt: 0) + "  triples"]
            + answer.graphs.map { $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + groupedCount(Int($0.triples)) })
            .joined(separator: "\n")
    }
}

/// `quiver stats` / `STATS`: counts, relations and degrees of a graph.
public struct StatsRequest: Verb {
    public static let spec = VerbSpec(
        "stats", summary: "Counts, relations and degree summary of a graph.",
        positionals: [PositionalSpec("graph", "The graph.")],
        options: [
            OptionSpec("top", .integer, value: "n", help: "Relations to list in text output.", default: "20", surfaces: .cli),
            OptionSpec("timing", .flag, help: "Also report how long building the in-memory snapshot took, and its size.", surfaces: .cli),
        ],
        examples: ["stats nations", "stats nations --json"], cheap: true)

    public var graph: String
    public var top = 20
    public var timing = false

    public init(_ args: ParsedArguments) throws(RequestError) {
        graph = args.positional("graph") ?? ""
        top = max(0, try args.integer("top") ?? 20)
        timing = args.flag("timing")
    }

    public func run(in context: any GraphContext) throws -> StatsAnswer {
        let started = Date()
        let snapshot = try context.snapshot(graph)
        let seconds = Date().timeIntervalSince(started)
        return StatsAnswer(stats: GraphStats(snapshot), snapshotSeconds: timing ? seconds : nil, adjacencyBytes: snapshot.adjacencyBytes)
    }

    public func text(_ answer: StatsAnswer) -> String {
        let stats = answer.stats
        var lines: [String] = []
        if let seconds = answer.snapshotSeconds {
            lines.append(String(format: "snapshot   built in %.3f s, %.1f MiB of adjacency", seconds, Double(answer.adjacencyBytes) / 1048576))
        }
        lines.append("graph      \(stats.graph)")
        lines.append("triples    \(groupedCount(stats.triples))")
        lines.append("entities   \(groupedCount(stats.entities))")
        lines.append("relations  \(groupedCount(stats.relations))")
        let d = stats.outDegree, i = stats.inDegree
        lines.append(String(format: "out-degree min %d, median %d, mean %.2f, p99 %d, max %d", d.min, d.median, d.mean, d.p99, d.max))
        lines.append(String(format: "in-degree  min %d, median %d, mean %.2f, p99 %d, max %d", i.min, i.median, i.mean, i.p99, i.max))
        lines.append("provenance " + stats.provenance.sorted { $0.key < $1.key }.filter { $0.value > 0 }.map { "\($0.key) \(groupedCount($0.value))" }.joined(separator: ", "))
        lines.append("splits     " + stats.splits.sorted { $0.key < $1.key }.filter { $0.value > 0 }.map { "\($0.key) \(groupedCount($0.value))" }.joined(separator: ", "))
        lines.append("relations by triples:")
        for r in stats.perRelation.prefix(top) {
            let n = groupedCount(r.triples)
            lines.append("  \(String(repeating: " ", count: max(0, 10 - n.count)) + n)  \(r.relation)")
        }
        if stats.perRelation.count > top { lines.append("  … \(stats.perRelation.count - top) more (--top N, or --json)") }
        return lines.joined(separator: "\n")
    }
}

/// STATS's answer: the graph's stats, with the snapshot's build time and size when asked for.
public struct StatsAnswer: Encodable, Sendable {
    public var stats: GraphStats
    public var snapshotSeconds: Double?
    public var adjacencyBytes: Int

    public func encode(to encoder: Encoder) throws {
        if let snapshotSeconds {
            try TimedStatsJSON(stats: stats, snapshot_seconds: snapshotSeconds, snapshot_adjacency_bytes: adjacencyBytes).encode(to: encoder)
        } else {
            try stats.encode(to: encoder)
        }
    }
}

/// `quiver drop` / `DROP`: delete a graph.
public struct DropRequest: Verb {
    public static let spec = VerbSpec(
        "drop", summary: "Delete a graph with its triples, dictionary and ontology.",
        positionals: [PositionalSpec("graph", "The graph.")], options: [],
        examples: ["drop nations-augmented"], writes: true, cheap: true, answersOK: true)

    public var graph: String

    public init(_ args: ParsedArguments) throws(RequestError) { graph = args.positional("graph") ?? "" }

    public func run(in context: any GraphContext) throws -> DroppedJSON {
        guard try context.store.drop(graph: graph) else { throw StoreError.graphNotFound(graph) }
        context.wrote(graph)
        return DroppedJSON(graph: graph)
    }

    public func text(_ answer: DroppedJSON) -> String { "dropped \(answer.graph)" }
}
