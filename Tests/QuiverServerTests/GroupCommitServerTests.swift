import Foundation
import QuiverCore
import QuiverProtocol
@testable import QuiverServer
import QuiverStore
import Testing
import QuiverTestSupport

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
            func stat(_ name: String) -> Int? {
                info.split(separator: "\r\n").first { $0.hasPrefix(name + ":") }.flatMap { Int($0.dropFirst(name.count + 1)) }
            }
            let transactions = try #require(stat("write_transactions")), writes = try #require(stat("writes_committed"))
            #expect(writes == 32 * perClient + 1)
            #expect(transactions < writes, "\(transactions) transactions for \(writes) writes")
        }
    }
}
