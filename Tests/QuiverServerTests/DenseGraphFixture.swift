import Foundation
import QuiverParsers
import QuiverStore
import QuiverTestSupport

/// The "dense" graph the hardening probes used, generated (never committed): a complete digraph
/// on 60 nodes `k0…k59 -edge->`, 10 layers of 20 nodes with complete bipartite `next` edges
/// between neighbouring layers, and `hub -spoke->` 100,000 leaves. Between `k0` and `k1` it has
/// more simple paths than any budget, and `hub` has more neighbours than any reply should hold.
enum DenseGraph {
    static var tsv: String {
        var lines: [String] = []
        lines.reserveCapacity(110_000)
        for a in 0..<60 { for b in 0..<60 where a != b { lines.append("k\(a)\tedge\tk\(b)") } }
        for layer in 0..<9 { for a in 0..<20 { for b in 0..<20 { lines.append("l\(layer)_\(a)\tnext\tl\(layer + 1)_\(b)") } } }
        for leaf in 0..<100_000 { lines.append("hub\tspoke\tleaf\(leaf)") }
        return lines.joined(separator: "\n") + "\n"
    }

    static let tripleCount = 60 * 59 + 9 * 400 + 100_000

    /// Loads the graph under a fresh name into `store`, once per test process.
    static let name: Result<String, any Error> = Result {
        let store = try TestCluster.store()
        let name = uniqueName("dense")
        let report = try store.load(graph: name, inputs: [.bytes(name: "dense.tsv", Array(tsv.utf8))],
                                    options: LoadOptions(format: .tsv))
        guard report.new == tripleCount else { throw TestError("dense graph: loaded \(report.new) triples, expected \(tripleCount)") }
        return name
    }
}

/// This process's resident memory in bytes (Linux).
func residentMemoryBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Milliseconds since `start` (from `DispatchTime.now().uptimeNanoseconds`).
func millisecondsSince(_ start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 }
