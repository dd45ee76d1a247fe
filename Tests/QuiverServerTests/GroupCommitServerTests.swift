import Foundation
import QuiverCore
import QuiverProtocol
@testable import QuiverServer
import QuiverStore
import Testing
import QuiverTestSupport

/// The value of `name:` in an INFO reply's lines.
func infoStat(_ name: String, in info: String) -> Int? {
    info.split(separator: "\r\n").first { $0.hasPrefix(name + ":") }.flatMap { Int($0.dropFirst(name.count + 1)) }
}

/// ADD and DEL through the daemon: several triples per command, written all or none, and writes
/// from many connections committed together.
@Suite struct GroupCommitServerTests {
    let store: Store
    init() throws { store = try TestCluster.store() }

    @Test func addAndDelTakeManyTriples() async throws {
        let g = uniqueName("gc-multi")
        defer { _ = try? store.drop(graph: g) }
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            #expect(c.command("ADD", g, "a", "r", "b", "b", "r", "c", "c", "r", "d", "SPLIT", "train") == .integer(3))
            #expect(c.command("PATHS", g, "a", "d")?.dictionary["count"] == .integer(1))
            // A term named like an option is a term in the first triple.
            #expect(c.command("ADD", g, "split", "r", "a") == .integer(1))
            // Two words left over: refused, nothing written.
            #expect(c.command("ADD", g, "x", "r", "y", "z", "r")?.text?.hasPrefix("WRONGARGS") == true)
            #expect(c.command("NEIGHBORS", g, "x")?.text?.hasPrefix("ERR unknown node") == true)
            // One unstorable term refuses the whole command.
            #expect(c.command("ADD", g, "x", "r", "y", "z", "r", "")?.text?.hasPrefix("WRONGARGS ADD: argument 7 (an object) is empty") == true)
            #expect(c.command("NEIGHBORS", g, "x")?.text?.hasPrefix("ERR unknown node") == true)
            #expect(c.command("DEL", g, "a", "r", "b", "c", "r", "d", "q", "q", "q") == .integer(2))
            #expect(c.command("NEIGHBORS", g, "a")?.dictionary["count"] == .integer(0))
            #expect(c.command("PATHS", g, "b", "c")?.dictionary["count"] == .integer(1))
        }
    }

    /// 32 connections write at once: every acknowledged write is stored, and the daemon's
    /// transactions carry more than one write each (INFO's write_transactions).
    @Test func writesFromManyConnectionsShareTransactions() async throws {
        let g = uniqueName("gc-clients")
        defer { _ = try? store.drop(graph: g) }
        try await withServer(store: store) { port in
            let setup = try TestClient(port: port)
            #expect(setup.command("ADD", g, "seed", "r", "seed") == .integer(1))
            let clients = try (0..<32).map { _ in try TestClient(port: port) }
            let perClient = 20
            // Pipelined: each client sends all its writes, then reads the acknowledgements.
            for (i, c) in clients.enumerated() {
                c.send((0..<perClient).flatMap { j in TestClient.encode(["ADD", g, "c\(i)", "r", "w\(j)"]) })
            }
            var acknowledged = 0
            for c in clients {
                for _ in 0..<perClient where try c.reply() == .integer(1) { acknowledged += 1 }
            }
            #expect(acknowledged == 32 * perClient)
            #expect(try store.graph(named: g)?.tripleCount == Int64(32 * perClient + 1))
            let info = try #require(setup.command("INFO", "stats")?.text)
            func stat(_ name: String) -> Int? { infoStat(name, in: info) }
            let transactions = try #require(stat("write_transactions")), writes = try #require(stat("writes_committed"))
            #expect(writes == 32 * perClient + 1)
            #expect(transactions < writes, "\(transactions) transactions for \(writes) writes")
        }
    }

    /// One connection's pipelined writes go to the group commit together, and every reply keeps
    /// its place: a malformed write and a PING between them, a read after them that sees them.
    @Test func aConnectionsPipelinedWritesShareATransactionInOrder() async throws {
        let g = uniqueName("gc-pipeline")
        defer { _ = try? store.drop(graph: g) }
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            #expect(c.command("ADD", g, "p", "r", "seed") == .integer(1))
            func stat(_ name: String) throws -> Int {
                let info = try #require(c.command("INFO", "stats")?.text)
                return try #require(infoStat(name, in: info))
            }
            let before = try stat("write_transactions")
            var words: [[String]] = (0..<100).map { ["ADD", g, "p", "r", "q\($0)"] }
            words.insert(["ADD", g, "x", "r"], at: 40)          // two words left over
            words.insert(["PING"], at: 60)
            words += [["DEL", g, "p", "r", "q5"], ["PATHS", g, "p", "q5"], ["ADD", g, "p", "r", "q5"], ["PATHS", g, "p", "q5"],
                      ["ADD", g, "p", "r", "q5"]]
            c.send(words.flatMap { TestClient.encode($0) })
            var replies: [RESPValue] = []
            for _ in words.indices { replies.append(try c.reply()) }
            for (i, w) in words.enumerated() where w[0] == "ADD" && w.count == 5 && i < 102 {
                #expect(replies[i] == .integer(1), "reply \(i) to \(w): \(replies[i])")
            }
            #expect(replies[40].text?.hasPrefix("WRONGARGS") == true, "\(replies[40])")
            #expect(replies[60] == .simpleString("PONG"))
            #expect(replies[102] == .integer(1))                                   // DEL
            #expect(replies[103].text?.hasPrefix("ERR unknown node") == true, "\(replies[103])")  // q5 is gone
            #expect(replies[104] == .integer(1))                                   // ADD again
            #expect(replies[105].dictionary["count"] == .integer(1))               // PATHS after it
            #expect(replies[106] == .integer(0))                                   // already there
            #expect(try store.graph(named: g)?.tripleCount == 101)
            // 102 writes in a few transactions (the reads between them split the run; the bytes
            // may arrive in several reads), not one each.
            let transactions = try stat("write_transactions") - before
            #expect(transactions >= 3 && transactions <= 8, "\(transactions) transactions")
        }
    }
}

/// The daemon's live graph: writes show up in the next command without a rebuild, whether this
/// daemon or another process made them.
@Suite struct LiveGraphServerTests {
    let store: Store
    init() throws { store = try TestCluster.store() }

    static func graphInfo(_ c: TestClient, _ g: String) -> [String: Int] {
        guard let info = c.command("INFO", "graphs")?.text,
              let line = info.split(separator: "\r\n").first(where: { $0.hasPrefix("graph_\(g):") }) else { return [:] }
        var out: [String: Int] = [:]
        for pair in line.dropFirst("graph_\(g):".count).split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.count == 2, let v = Int(kv[1]) { out[String(kv[0])] = v }
        }
        return out
    }

    @Test func writesAreVisibleAtOnceWithoutARebuild() async throws {
        let g = uniqueName("live-daemon")
        defer { _ = try? store.drop(graph: g) }
        try store.load(graph: g, inputs: [.bytes(name: "a.tsv", Array("a\tr\tb\nb\tr\tc\n".utf8))])
        try await withServer(store: store) { port in
            let c = try TestClient(port: port), d = try TestClient(port: port)
            #expect(c.command("PATHS", g, "a", "c")?.dictionary["count"] == .integer(1))
            #expect(Self.graphInfo(c, g)["rebuilds"] == 1)
            // Each write is seen by the very next command, on this and on another connection.
            for i in 0..<50 {
                #expect(c.command("ADD", g, "c", "r", "n\(i)") == .integer(1))
                #expect(d.command("PATHS", g, "a", "n\(i)")?.dictionary["count"] == .integer(1), "write \(i)")
            }
            #expect(c.command("DEL", g, "b", "r", "c") == .integer(1))
            #expect(d.command("PATHS", g, "a", "n7")?.dictionary["count"] == .integer(0))
            #expect(d.command("NEIGHBORS", g, "c")?.dictionary["count"] == .integer(50))
            // STATS reads the merged version.
            #expect(d.command("STATS", g)?.dictionary["triples"] == .integer(51))
            let info = Self.graphInfo(c, g)
            #expect(info["rebuilds"] == 1, "\(info)")
            #expect(info["changes_applied"] == 51, "\(info)")
            #expect(info["delta_added"] == 50 && info["delta_deleted"] == 1, "\(info)")
            // COMPACT merges the delta now; answers stay the same.
            let merged = try #require(c.command("COMPACT", g)?.dictionary)
            #expect(merged["edges_merged"] == .integer(51), "\(merged)")
            let after = Self.graphInfo(c, g)
            #expect(after["compactions"] == 1 && after["delta_added"] == 0 && after["delta_deleted"] == 0 && after["rebuilds"] == 1, "\(after)")
            #expect(d.command("PATHS", g, "a", "n7")?.dictionary["count"] == .integer(0))
            #expect(d.command("NEIGHBORS", g, "c")?.dictionary["count"] == .integer(50))
            #expect(c.command("COMPACT", "no-such-graph")?.text?.hasPrefix("NOGRAPH") == true)

            // Another process's write is caught up from the change log, not rebuilt.
            let other = try TestCluster.store()
            _ = try other.add(graph: g, triples: [Triple(.name("n3"), .name("r"), .name("far"))])
            var seen = false
            let deadline = Date().addingTimeInterval(2)
            while Date() < deadline {
                if d.command("PATHS", g, "c", "far")?.dictionary["count"] == .integer(1) { seen = true; break }
                usleep(5_000)
            }
            #expect(seen)
            #expect(Self.graphInfo(c, g)["rebuilds"] == 1)
            // A small load by another process is caught up too; a big one is followed by a rebuild.
            try other.load(graph: g, inputs: [.bytes(name: "b.tsv", Array("far\tr\tfarther\n".utf8))])
            seen = false
            while Date() < deadline.addingTimeInterval(3) {
                if d.command("PATHS", g, "far", "farther")?.dictionary["count"] == .integer(1) { seen = true; break }
                usleep(5_000)
            }
            #expect(seen)
            #expect(Self.graphInfo(c, g)["rebuilds"] == 1)
            let big = (0..<10_001).map { "b\($0)\tr\tb\($0 + 1)" }.joined(separator: "\n")
            try other.load(graph: g, inputs: [.bytes(name: "c.tsv", Array(big.utf8))])
            seen = false
            while Date() < deadline.addingTimeInterval(8) {
                if d.command("PATHS", g, "b0", "b3")?.dictionary["count"] == .integer(1) { seen = true; break }
                usleep(5_000)
            }
            #expect(seen)
            #expect(Self.graphInfo(c, g)["rebuilds"] == 2)
        }
    }
}
