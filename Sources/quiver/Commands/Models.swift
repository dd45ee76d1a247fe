import ArgumentParser
import Foundation
import QuiverCore
import QuiverModels
import QuiverPaths
import QuiverService
import QuiverGraph
import QuiverSnapshot
import QuiverStore

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List a graph's saved models, or delete one.",
        discussion: """
            Examples:
              quiver models kinships
              quiver models kinships --delete nbf-small
            """)
    @Argument(help: "The graph.") var graph: String
    @Option(name: .customLong("delete"), help: "Delete the model of this name.") var delete: String?
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    struct Entry: Encodable {
        var name: String
        var kind: String
        var bytes: Int
        var trained_at: String
        var metrics: String
    }

    func run() throws {
        let opened = try store.open()
        if let delete {
            guard try opened.deleteModel(graph: graph, name: delete) else {
                throw CLIError(message: StoreError.modelNotFound(graph: graph, name: delete).description)
            }
            if output.json { try printJSON(["deleted": delete]) } else { print("deleted model '\(delete)' of '\(graph)'") }
            return
        }
        let models = try opened.models(graph: graph)
        if output.json {
            try printJSON(models.map { Entry(name: $0.name, kind: $0.kind, bytes: $0.weightBytes, trained_at: $0.trainedAt, metrics: $0.metrics) })
            return
        }
        if models.isEmpty { print("graph '\(graph)' has no models (train one with `quiver train \(graph)`)"); return }
        for m in models {
            let test = testMRR(m.metrics).map { String(format: "test MRR %.4f", $0) } ?? "no test metrics"
            print("\(m.name)  \(m.kind)  \(grouped(m.weightBytes)) bytes  \(test)  trained \(m.trainedAt)")
        }
    }

    func testMRR(_ metrics: String) -> Double? {
        guard let o = try? JSONSerialization.jsonObject(with: Data(metrics.utf8)) as? [String: Any],
              let t = o["test"] as? [String: Any] else { return nil }
        return t["mrr"] as? Double
    }
}
