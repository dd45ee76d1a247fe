import Foundation
import QuiverCore
import QuiverParsers
@testable import QuiverPostgres
import QuiverStore

// MARK: - Datasets and scratch files

enum Datasets {
    /// `<repo>/../shared/datasets`, found from this file's path (`<repo>/Tests/QuiverStoreTests/`).
    static let root: String = {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repo.deletingLastPathComponent().appendingPathComponent("shared/datasets").path
    }()

    static func path(_ graph: String, _ split: String) -> String { "\(root)/\(graph)/\(split).txt" }

    /// The non-empty lines of a dataset file.
    static func lines(_ graph: String, _ split: String) throws -> [String] {
        try String(contentsOfFile: path(graph, split), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// The triples of a dataset file as (head, relation, tail).
    static func triples(_ graph: String, _ split: String) throws -> [NameTriple] {
        try lines(graph, split).map(NameTriple.init(line:))
    }
}

/// A triple of plain names, as TSV files hold them.
struct NameTriple: Hashable, Comparable, CustomStringConvertible, Sendable {
    var s: String
    var p: String
    var o: String

    init(_ s: String, _ p: String, _ o: String) {
        self.s = s
        self.p = p
        self.o = o
    }

    init(line: String) {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        self.init(f[0], f.count > 1 ? f[1] : "", f.count > 2 ? f[2] : "")
    }

    var line: String { "\(s)\t\(p)\t\(o)" }
    var description: String { line }

    static func < (a: NameTriple, b: NameTriple) -> Bool { (a.s, a.p, a.o) < (b.s, b.p, b.o) }
}

extension Sequence where Element == NameTriple {
    var entityNames: Set<String> { Set(flatMap { [$0.s, $0.o] }) }
    var relationNames: Set<String> { Set(map(\.p)) }
    var tsvBytes: [UInt8] { Array(map { $0.line + "\n" }.joined().utf8) }
}


/// Writes `text` to `dir/name` and returns the path.
@discardableResult
func writeFile(_ dir: String, _ name: String, _ text: String) throws -> String {
    let path = dir + "/" + name
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    return path
}

/// A graph name no other test uses.
func uniqueGraphName(_ prefix: String) -> String {
    "\(prefix)-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
}

// MARK: - Reading back

extension Store {
    /// The whole export of a graph as text.
    func exportText(_ graph: String, format: OutputFormat) throws -> String {
        var bytes: [UInt8] = []
        try export(graph: graph, format: format) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The TSV export of a graph as sorted lines.
    func exportedLines(_ graph: String) throws -> [String] {
        try exportText(graph, format: .tsv).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.isEmpty }.map(String.init).sorted()
    }

    /// The graph's triples as name triples (TSV export).
    func nameTriples(_ graph: String) throws -> Set<NameTriple> {
        Set(try exportedLines(graph).map(NameTriple.init(line:)))
    }
}

func readAll<R: TripleReader>(_ reader: inout R) throws -> [Triple] {
    var all: [Triple] = []
    var batch: [Triple] = []
    while try reader.readBatch(into: &batch, maxCount: 1000) {
        all += batch
        batch.removeAll(keepingCapacity: true)
    }
    return all + batch
}

func parseNTriples(_ text: String, fileName: String = "export.nt") throws -> [Triple] {
    var reader = NTriplesReader(source: MemoryByteSource(text), fileName: fileName)
    return try readAll(&reader)
}

func parseTurtle(_ text: String, fileName: String = "doc.ttl", baseIRI: String? = nil) throws -> [Triple] {
    var reader = TurtleReader(source: MemoryByteSource(text), fileName: fileName, baseIRI: baseIRI)
    return try readAll(&reader)
}

// MARK: - Threads

/// Runs each body on its own thread (not the Swift concurrency pool, which synchronous tests may
/// be occupying) and returns their results in order once all have finished.
func runOnThreads<T: Sendable>(_ bodies: [@Sendable () throws -> T]) -> [Result<T, any Error>] {
    let box = ResultsBox<T>(bodies.count)
    let group = DispatchGroup()
    for (i, body) in bodies.enumerated() {
        group.enter()
        let thread = Thread {
            box.set(i, Result { try body() })
            group.leave()
        }
        thread.start()
    }
    group.wait()
    return box.all()
}

final class ResultsBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<T, any Error>]
    init(_ n: Int) { results = Array(repeating: .failure(CancellationError()), count: n) }
    func set(_ i: Int, _ r: Result<T, any Error>) {
        lock.lock()
        results[i] = r
        lock.unlock()
    }
    func all() -> [Result<T, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return results
    }
}

// MARK: - Seeded randomness

