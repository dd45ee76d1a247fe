import ArgumentParser
import Foundation
import QuiverService
import QuiverGraph
import QuiverSnapshot
import QuiverStore

struct Graphs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the graphs in the store.",
        discussion: "Examples:\n  quiver graphs\n  quiver graphs --json")
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let graphs = try store.open().graphs()
        if output.json {
            try printJSON(GraphListJSON(graphs))
            return
        }
        if graphs.isEmpty { print("no graphs yet; load one with `quiver load GRAPH FILE`"); return }
        let width = max(5, graphs.map(\.name.count).max() ?? 0)
        print("graph".padding(toLength: width, withPad: " ", startingAt: 0) + "  triples")
        for g in graphs { print(g.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + grouped(Int(g.tripleCount))) }
    }
}

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Counts, relations and degree summary of a graph.",
        discussion: "Examples:\n  quiver stats nations\n  quiver stats nations --json")
    @Argument(help: "The graph.") var graph: String
    @Option(name: .customLong("top"), help: "Relations to list in text output.") var top = 20
    @Flag(help: "Also report how long building the in-memory snapshot took, and its size.") var timing = false
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let st = try store.open()
        let started = Date()
        let snapshot = try SnapshotLoader(store: st).build(graph: graph)
        let seconds = Date().timeIntervalSince(started)
        let stats = GraphStats(snapshot)
        if output.json {
            if timing {
                try printJSON(TimedStatsJSON(stats: stats, snapshot_seconds: seconds, snapshot_adjacency_bytes: snapshot.adjacencyBytes))
            } else {
                try printJSON(stats)
            }
            return
        }
        if timing {
            print(String(format: "snapshot   built in %.3f s, %.1f MiB of adjacency", seconds, Double(snapshot.adjacencyBytes) / 1048576))
        }
        print("graph      \(stats.graph)")
        print("triples    \(grouped(stats.triples))")
        print("entities   \(grouped(stats.entities))")
        print("relations  \(grouped(stats.relations))")
        let d = stats.outDegree, i = stats.inDegree
        print(String(format: "out-degree min %d, median %d, mean %.2f, p99 %d, max %d", d.min, d.median, d.mean, d.p99, d.max))
        print(String(format: "in-degree  min %d, median %d, mean %.2f, p99 %d, max %d", i.min, i.median, i.mean, i.p99, i.max))
        print("provenance " + stats.provenance.sorted { $0.key < $1.key }.filter { $0.value > 0 }.map { "\($0.key) \(grouped($0.value))" }.joined(separator: ", "))
        print("splits     " + stats.splits.sorted { $0.key < $1.key }.filter { $0.value > 0 }.map { "\($0.key) \(grouped($0.value))" }.joined(separator: ", "))
        print("relations by triples:")
        for r in stats.perRelation.prefix(top) { print("  \(grouped(r.triples).leftPad(10))  \(r.relation)") }
        if stats.perRelation.count > top { print("  … \(stats.perRelation.count - top) more (--top N, or --json)") }
    }
}

struct Drop: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete a graph with its triples, dictionary and ontology.",
        discussion: "Examples:\n  quiver drop nations-augmented")
    @Argument(help: "The graph.") var graph: String
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        guard try store.open().drop(graph: graph) else { throw StoreError.graphNotFound(graph) }
        if output.json { try printJSON(DroppedJSON(graph: graph)) } else { print("dropped \(graph)") }
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
