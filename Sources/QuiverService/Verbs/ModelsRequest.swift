import Foundation
import QuiverCore
import QuiverStore

/// `quiver models` / `MODELS`: a graph's saved models, or one deleted.
public struct ModelsRequest: Verb {
    public static let spec = VerbSpec(
        "models", summary: "List a graph's saved models, or delete one.",
        positionals: [PositionalSpec("graph", "The graph.")],
        options: [OptionSpec("delete", .text, value: "name", help: "Delete the model of this name.")],
        examples: ["models kinships", "models kinships --delete nbf-small"],
        group: "models", cheap: true)

    public var graph: String
    public var delete: String?

    public init(_ args: ParsedArguments) throws(RequestError) {
        graph = args.positional("graph") ?? ""
        delete = args.text("delete")
    }

    public func run(in context: any GraphContext) throws -> ModelsAnswer {
        let store = try context.store
        if let delete {
            guard try store.deleteModel(graph: graph, name: delete) else { throw StoreError.modelNotFound(graph: graph, name: delete) }
            return .deleted(delete)
        }
        return .list(try store.models(graph: graph).map {
            ModelsAnswer.Entry(name: $0.name, kind: $0.kind, bytes: $0.weightBytes, trained_at: $0.trainedAt, metrics: $0.metrics)
        })
    }

    public func text(_ answer: ModelsAnswer) -> String {
        switch answer {
        case .deleted(let name): return "deleted model '\(name)' of '\(graph)'"
        case .list(let models):
            if models.isEmpty { return "graph '\(graph)' has no models (train one with `quiver train \(graph)`)" }
            return models.map { m in
                let test = Self.testMRR(m.metrics).map { String(format: "test MRR %.4f", $0) } ?? "no test metrics"
                return "\(m.name)  \(m.kind)  \(groupedCount(m.bytes)) bytes  \(test)  trained \(m.trained_at)"
            }.joined(separator: "\n")
        }
    }

    static func testMRR(_ metrics: String) -> Double? {
        guard let o = try? JSONSerialization.jsonObject(with: Data(metrics.utf8)) as? [String: Any],
              let t = o["test"] as? [String: Any] else { return nil }
        return t["mrr"] as? Double
    }
}

/// MODELS' answer: the saved models, or the name of the one deleted.
public enum ModelsAnswer: Encodable, Sendable {
    public struct Entry: Encodable, Sendable {
        public var name: String
        public var kind: String
        public var bytes: Int
        public var trained_at: String
        /// The stored metrics, as JSON text.
        public var metrics: String
    }
    case list([Entry])
    case deleted(String)

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .list(let entries): try entries.encode(to: encoder)
        case .deleted(let name): try ["deleted": name].encode(to: encoder)
        }
    }
}
