import Foundation
import QuiverProtocol
@testable import QuiverServer
import QuiverStore
import QuiverCore
import Testing

#if canImport(Glibc)
import Glibc
import QuiverTestSupport
#endif

/// Seeded random commands for every verb, with hostile values (huge and negative numbers, NaN,
/// empty words, invalid UTF-8, pathological path expressions), against a server holding the
/// dense graph: for a bounded time every command gets a reply, the server keeps answering PING
/// on another connection, and its memory stays bounded.
@Suite(.serialized) struct DispatcherFuzzTests {

    /// 20 s in `make test`; QUIVER_FUZZ_SECONDS and QUIVER_FUZZ_SEED run it longer or elsewhere.
    static let seconds = ProcessInfo.processInfo.environment["QUIVER_FUZZ_SECONDS"].flatMap(Double.init) ?? 20
    static let seed = ProcessInfo.processInfo.environment["QUIVER_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x51_7E_ED

    @Test func randomCommandsNeverCrashHangOrExhaustTheServer() async throws {
        let store = try TestCluster.store()
        let dense = try DenseGraph.name.get()
        let small = uniqueName("fuzz-small")
        let tsv = (0..<200).map { "n\($0)\tr\($0 % 5)\tn\(($0 * 7 + 3) % 200)" }.joined(separator: "\n")
        _ = try store.load(graph: small, inputs: [.bytes(name: "small.tsv", Array(tsv.utf8))], options: LoadOptions(format: .tsv, split: .train))
        let scratch = try scratchDirectory("quiver-fuzz-export")  // removed at exit
        let fuzzGraphs = [uniqueName("fuzz-w"), uniqueName("fuzz-w")]

        try await withServer({
            $0.commandTimeoutMilliseconds = 500
            $0.maxCommandTimeoutMilliseconds = 2000
            $0.maxResultRows = 10_000
            $0.maxReplyBytes = 4 << 20
            $0.exportDirectory = scratch
            $0.maxJobs = 1
            $0.maxQueuedJobs = 2
        }, store: store) { port in
            let watcher = try TestClient(port: port)
            var client = try TestClient(port: port)
            let rssBefore = residentMemoryBytes()
            var rng = SeededRandom(seed: Self.seed)
            let verbs = CommandTable.all.map(\.name).filter { $0 != "DROP" } + ["DROP", "NOSUCH", "paths", "Ping"]
            let end = DispatchTime.now().uptimeNanoseconds + UInt64(Self.seconds * 1e9)
            var sent = 0
            var previous = ""
            while DispatchTime.now().uptimeNanoseconds < end {
                let verb = rng.pick(verbs)
                let words = Self.command(verb, &rng, readGraphs: [dense, small] + fuzzGraphs, writeGraphs: fuzzGraphs)
                let started = DispatchTime.now().uptimeNanoseconds
                defer { previous = words.map { String(decoding: $0.prefix(40), as: UTF8.self) }.joined(separator: " ") }
                client.send(Self.encode(words))
                let reply: RESPValue
                do {
                    reply = try client.reply()
                } catch {
                    // QUIT, or a protocol error the server closes on; anything else is a hang.
                    let shown = words.map { String(decoding: $0.prefix(40), as: UTF8.self) }.joined(separator: " ")
                    #expect(verb.uppercased() == "QUIT" || verb.uppercased() == "HELLO", "no reply to #\(sent): \(shown): \(error); before: \(previous)")
                    client = try TestClient(port: port)
                    continue
                }
                _ = reply
                let elapsed = millisecondsSince(started)
                let shown = words.map { String(decoding: $0.prefix(40), as: UTF8.self) }.joined(separator: " ")
                #expect(elapsed < 8000, "\(Int(elapsed)) ms for: \(shown)")
                sent += 1
                if sent % 10 == 0 {
                    let pingStart = DispatchTime.now().uptimeNanoseconds
                    #expect(watcher.command("PING") == .simpleString("PONG"))
                    #expect(millisecondsSince(pingStart) < 2000)
                }
                // QUIT closes; HELLO and CLIENT may change the protocol or the name: start afresh.
                if ["HELLO", "CLIENT", "QUIT"].contains(verb.uppercased()) { client = try TestClient(port: port) }
            }
            // Jobs it started stop when cancelled.
            if case .array(let jobs)? = watcher.command("JOBS") {
                for job in jobs { if let id = job.dictionary["id"]?.text { _ = watcher.command("JOB", "CANCEL", id) } }
            }
            #expect(sent > 20)
            #expect(watcher.command("PING") == .simpleString("PONG"))
            let grown = residentMemoryBytes() - rssBefore
            #expect(grown < 1536 << 20, "resident memory grew by \(grown >> 20) MiB over \(sent) commands")
            print("dispatcher fuzz (seed \(Self.seed)): \(sent) commands in \(Int(Self.seconds)) s; resident memory grew by \(grown >> 20) MiB")
        }
        for g in fuzzGraphs + [small] { _ = try? store.drop(graph: g) }
    }

    /// Hostile values for any option.
    static let values: [[UInt8]] = [
        "0", "-1", "1", "3", "999999999999999999", "-999999999999", "1e308", "NaN", "inf", "-0", "", " ",
        "json", "JSON", "simple", "trail", "all-shortest", "k-shortest", "both", "in", "train", "test", "ppr",
        "asserted,inferred", "edge+", "((edge{1,16}){1,16}){1,16}", "(((((edge)))))", "^spoke/.*", "edge{0,64}",
        "nbf", "complex", "push", "power", "out", "a\u{0}b", "café",
    ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xFE, 0x41], [UInt8](repeating: 0x61, count: 5000)]

    static func command(_ verb: String, _ rng: inout SeededRandom, readGraphs: [String], writeGraphs: [String]) -> [[UInt8]] {
        let spec = CommandTable.byName[verb.uppercased()]
        let writes = spec?.flags.contains("write") ?? false
        var graph: [UInt8] = Array(rng.pick(writes ? writeGraphs : readGraphs + [""]).utf8)
        if verb.uppercased() == "AUGMENT" && rng.below(2) == 0 { graph = Array("SYNTHETIC".utf8) }
        let nodes: [[UInt8]] = ["k0", "k1", "hub", "leaf7", "l0_3", "l9_1", "n1", "n2", "nosuch", "", "SYNTHETIC"].map { Array($0.utf8) } + [[0xFF]]
        let relations: [[UInt8]] = ["edge", "spoke", "next", "r1", "^edge", "nosuch"].map { Array($0.utf8) }
        var words: [[UInt8]] = [Array(verb.utf8)]
        let positionals = spec.map { max(0, abs($0.arity) - 1) } ?? rng.below(3)
        for i in 0..<positionals {
            switch i {
            case 0: words.append(graph)
            case 1: words.append(rng.pick(nodes))
            default: words.append(rng.below(2) == 0 ? rng.pick(nodes) : rng.pick(relations))
            }
        }
        // Options named in the syntax line, each with a random value (or none).
        let options = (spec?.syntax ?? "").split(whereSeparator: { !$0.isLetter && $0 != "-" })
            .map(String.init).filter { $0.count > 1 && $0 == $0.uppercased() && $0 != verb.uppercased() }
        for _ in 0..<rng.below(5) {
            if let o = options.isEmpty ? nil : rng.pick(options) { words.append(Array(o.utf8)) }
            if rng.below(6) != 0 { words.append(rng.pick(values)) }
        }
        if verb.uppercased() == "LOAD" && rng.below(2) == 0 {
            words = [Array("LOAD".utf8), graph, Array("FORMAT".utf8), Array(rng.pick(["tsv", "nt", "ttl", "csv", "jsonl"]).utf8),
                     rng.pick([Array("a\tb\tc\n".utf8), Array("<a> <b> \"c\n".utf8), [0, 1, 2, 0xFF], Array("x\ty\n".utf8)])]
        }
        return words
    }

    static func encode(_ words: [[UInt8]]) -> [UInt8] {
        var out = Array("*\(words.count)\r\n".utf8)
        for w in words { out += Array("$\(w.count)\r\n".utf8) + w + [13, 10] }
        return out
    }
}

/// Draws from the shared seeded generator.
private extension SeededRandom {
    mutating func below(_ n: Int) -> Int { Int.random(in: 0..<max(1, n), using: &self) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
}
