import Foundation
import QuiverCore
import QuiverGraph
@testable import QuiverAugment

/// A fact graph from (head, relation, tail) names, through a real snapshot build.
func graph(_ triples: [(String, String, String)], split: Split? = nil) -> FactGraph {
    var b = SnapshotBuilder(graph: "test")
    for (h, r, t) in triples { b.add(Triple(.name(h), .name(r), .name(t)), split: split) }
    return FactGraph(snapshot: b.build())
}

/// Nations or Kinships from /work/shared/datasets, all three splits with their labels.
func dataset(_ name: String) throws -> FactGraph? {
    let dir = ProcessInfo.processInfo.environment["QUIVER_DATASETS"] ?? "/work/shared/datasets"
    var b = SnapshotBuilder(graph: name)
    for (file, split) in [("train", Split.train), ("valid", .valid), ("test", .test)] {
        let path = "\(dir)/\(name)/\(file).txt"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "\t").map(String.init)
            guard f.count == 3 else { continue }
            b.add(Triple(.name(f[0]), .name(f[1]), .name(f[2])), split: split)
        }
    }
    return FactGraph(snapshot: b.build())
}

func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "quiver-augment-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func jsonArray(_ path: String) throws -> [[String: String]] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return (try JSONSerialization.jsonObject(with: data) as? [[String: String]]) ?? []
}

/// The `<…>` tokens of a string.
func tokens(_ s: String) -> [String] {
    var out: [String] = [], current = ""
    for ch in s {
        if ch == "<" { current = "<" } else if ch == ">" { current.append(">"); out.append(current); current = "" } else { current.append(ch) }
    }
    return out
}
