import Foundation
import QuiverProtocol
@testable import QuiverServer
import QuiverStore
import Testing

#if canImport(Glibc)
import Glibc
import QuiverTestSupport
#endif

/// What a hostile client could do to the daemon before these limits: each test failed before
/// its fix (unbounded replies, work that outlived its client, starved cheap commands, unbounded
/// queued output, big pre-AUTH buffers, resets instead of error replies).
@Suite(.serialized) struct HardeningTests {
    let store: Store
    let dense: String

    init() throws {
        store = try TestCluster.store()
        dense = try DenseGraph.name.get()
    }

    // MARK: Bounded answers

    @Test func answersAreCutAtTheRowBudget() async throws {
        try await withServer({ $0.maxResultRows = 1000 }, store: store) { port in
            let c = try TestClient(port: port)
            let start = DispatchTime.now().uptimeNanoseconds
            let r = try #require(c.command("PATHS", dense, "k0", "k1", "MODE", "simple", "LIMIT", "1000000000", "TIMEOUT", "20000")).dictionary
            #expect(millisecondsSince(start) < 30_000)
            #expect(r["count"] == .integer(1000))
            #expect(r["truncated"] == .boolean(true) || r["truncated"] == .integer(1))
            #expect(r["reason"]?.text == "limit")
            let n = try #require(c.command("NEIGHBORS", dense, "hub", "LIMIT", "1000000000")).dictionary
            #expect(n["count"] == .integer(1000))
            #expect(n["reason"]?.text == "limit")
        }
    }

    @Test func answersAreCutAtTheByteBudget() async throws {
        try await withServer({ $0.maxReplyBytes = 64 * 1024 }, store: store) { port in
            let c = try TestClient(port: port)
            let r = try #require(c.command("PATHS", dense, "k0", "k1", "MODE", "simple", "LIMIT", "1000000", "TIMEOUT", "20000", "FORMAT", "JSON")?.text)
            #expect(r.utf8.count < 80 * 1024)
            #expect(r.contains(#""reason":"reply-size""#))
            #expect(r.contains(#""truncated":true"#))
            let e = try #require(c.command("EXPORT", dense)?.text)
            #expect(e.hasPrefix("ERR EXPORT \(dense) is larger than a reply may be"))
            let reach = try #require(c.command("REACH", dense, "hub", "LIMIT", "1000000")).dictionary
            #expect(reach["reason"]?.text == "reply-size")
        }
    }

    /// LIMIT 1000000 TIMEOUT 1000 took 12 s and 1 GB before: the deadline covers naming the rows.
    @Test func theDeadlineCoversBuildingTheReply() async throws {
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            _ = c.command("STATS", dense)  // builds the snapshot, so that only the query is timed
            let start = DispatchTime.now().uptimeNanoseconds
            c.send(TestClient.encode(["PATHS", dense, "k0", "k1", "MODE", "simple", "LIMIT", "1000000", "TIMEOUT", "1000"]))
            // Timed to the reply's first byte: decoding a big reply here is the test client's time.
            c.waitForInput()
            let elapsed = millisecondsSince(start)
            let r = try c.reply().dictionary
            #expect(elapsed < 6000, "replied after \(elapsed) ms")
            #expect(r["reason"] != nil)
            if case .integer(let n) = r["count"] { #expect(n <= 100_000) } else { Issue.record("no count: \(r)") }
        }
    }

    @Test func everyCommandHasADeadline() async throws {
        try await withServer({ $0.commandTimeoutMilliseconds = 300 }, store: store) { port in
            let c = try TestClient(port: port)
            var start = DispatchTime.now().uptimeNanoseconds
            let ppr = try #require(c.command("PPR", dense, "hub", "ITERATIONS", "1000000000")?.text)
            #expect(ppr.contains("deadline"), "\(ppr)")
            #expect(millisecondsSince(start) < 5000)
            start = DispatchTime.now().uptimeNanoseconds
            let phi = try #require(c.command("PHI", dense, "HOPS", "4", "TIMEOUT", "100")?.text)
            #expect(phi.hasPrefix("ERR phi stopped"), "\(phi)")
            #expect(millisecondsSince(start) < 5000)
            // A TIMEOUT above the server's ceiling is refused before anything runs.
            #expect(c.command("PATHS", dense, "k0", "k1", "TIMEOUT", "999999999")?.text?.hasPrefix("WRONGARGS TIMEOUT must be at most") == true)
            // Default deadline without TIMEOUT: a search stops, marked as such.
            let paths = try #require(c.command("PATHS", dense, "k0", "k1", "MODE", "simple", "LIMIT", "100000", "MAX-HOPS", "16")).dictionary
            #expect(paths["reason"]?.text == "timeout" || paths["reason"]?.text == "limit")
        }
    }

    @Test func nestedRepetitionIsRefusedBeforeBuilding() async throws {
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            _ = c.command("STATS", dense)  // builds the snapshot, so that only the refusal is timed
            let start = DispatchTime.now().uptimeNanoseconds
            let r = try #require(c.command("PATHS", dense, "k0", "k1", "VIA", "((edge{1,16}){1,16}){1,16}")?.text)
            // Building its automaton took 14-27 s.
            #expect(millisecondsSince(start) < 5000)
            #expect(r.contains("unrolls to 4096 relation steps"), "\(r)")
            let deep = String(repeating: "(", count: 5000) + "edge" + String(repeating: ")", count: 5000)
            #expect(c.command("REACH", dense, "k0", "VIA", deep)?.text?.contains("at most 4096") == true)
            let nested = String(repeating: "(", count: 100) + "edge" + String(repeating: ")", count: 100)
            #expect(c.command("REACH", dense, "k0", "VIA", nested)?.text?.contains("nested more than 64 deep") == true)
        }
    }

    // MARK: Work that outlives its client, and starvation

    @Test func workStopsWhenItsClientLeaves() async throws {
        try await withServer(store: store) { port in
            let watcher = try TestClient(port: port)
            do {
                let c = try TestClient(port: port)
                c.send(TestClient.encode(["PPR", dense, "hub", "ITERATIONS", "1000000000"]))
                try await waitUntil(seconds: 10) { running(watcher) == 1 }
            }  // closed here
            try await waitUntil(seconds: 3) { running(watcher) == 0 }
            #expect(running(watcher) == 0)
        }
    }

    @Test func cheapCommandsAnswerWhileHeavyOnesRun() async throws {
        try await withServer({ $0.workerThreads = 2; $0.reservedWorkerThreads = 1; $0.commandTimeoutMilliseconds = 60_000 }, store: store) { port in
            let heavy = try (0..<2).map { _ in try TestClient(port: port) }
            for h in heavy { h.send(TestClient.encode(["PPR", dense, "hub", "ITERATIONS", "1000000000"])) }
            let c = try TestClient(port: port)
            try await waitUntil(seconds: 10) { running(c) == 2 }
            let start = DispatchTime.now().uptimeNanoseconds
            #expect(c.command("STATS", dense)?.dictionary["triples"] == .integer(Int64(DenseGraph.tripleCount)))
            #expect(c.command("GRAPHS")?.isError == false)
            // Without threads of their own they waited for a heavy command's deadline (60 s here).
            #expect(millisecondsSince(start) < 15_000)
        }
    }

    /// JOB CANCEL stops an augmentation between its phases: the job says cancelled and no dataset
    /// is written. Before, the job ran to the end whatever was asked.
    @Test func aCancelledAugmentationWritesNothing() async throws {
        let exportDir = try scratchDirectory("quiver-cancel")  // removed at exit
        try await withServer({ $0.exportDirectory = exportDir }, store: store) { port in
            let c = try TestClient(port: port)
            let started = try #require(c.command("AUGMENT", "SYNTHETIC", "OUT", "big", "ENTITIES", "200000", "RELATIONS", "50",
                                                 "OUT-DEGREE", "4", "PHI", "2", "SEED", "3")).dictionary
            let id = try #require(started["job"]?.text)
            #expect(c.command("JOB", "CANCEL", id) == .ok)
            let status = try await finishedJob(c, id, polls: 1200)
            #expect(status["state"]?.text == "cancelled", "\(status)")
            let written = (try? FileManager.default.contentsOfDirectory(atPath: exportDir + "/big")) ?? []
            #expect(!written.contains("train.json"), "\(written)")
        }
    }

    // MARK: Output backpressure

    @Test func aClientThatDoesNotReadStopsItsOwnCommands() async throws {
        let g = uniqueName("g20k")
        let tsv = (0..<20_000).map { "node\($0)\trel\(($0 % 7))\tnode\(($0 * 31 + 1) % 20_000)" }.joined(separator: "\n")
        _ = try store.load(graph: g, inputs: [.bytes(name: "g.tsv", Array(tsv.utf8))], options: LoadOptions(format: .tsv))
        try await withServer(store: store) { port in
            let watcher = try TestClient(port: port)
            let before = processed(watcher)
            let c = try TestClient(port: port)
            var shrink: Int32 = 4096
            setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &shrink, socklen_t(MemoryLayout<Int32>.size))
            c.send((0..<300).flatMap { _ in TestClient.encode(["EXPORT", g]) })
            try await Task.sleep(for: .seconds(3))
            let executed = processed(watcher) - before - 1
            // Each export is about 600 KB: a few fill the socket buffers and the 4 MiB bound.
            #expect(executed < 40, "\(executed) of 300 exports ran for a client that read nothing")
        }
        _ = try store.drop(graph: g)
    }

    /// One client that does not read is stopped by its own bound; many of them together are
    /// stopped by the server's: past it, heavy commands are answered BUSY until clients read.
    @Test func clientsThatDoNotReadCannotTogetherFillTheServer() async throws {
        let g = uniqueName("g20k")
        let tsv = (0..<20_000).map { "node\($0)\trel\(($0 % 7))\tnode\(($0 * 31 + 1) % 20_000)" }.joined(separator: "\n")
        _ = try store.load(graph: g, inputs: [.bytes(name: "g.tsv", Array(tsv.utf8))], options: LoadOptions(format: .tsv))
        try await withServer({ $0.maxPendingOutputBytes = 256 << 10; $0.maxServerPendingOutputBytes = 1 << 20 }, store: store) { port in
            var sleepers: [TestClient] = []
            for _ in 0..<4 {
                let c = try TestClient(port: port)
                var shrink: Int32 = 4096
                setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &shrink, socklen_t(MemoryLayout<Int32>.size))
                c.send((0..<20).flatMap { _ in TestClient.encode(["EXPORT", g]) })
                sleepers.append(c)
            }
            let watcher = try TestClient(port: port)
            // The server's unsent output rises and falls as the kernel takes bytes: ask for more
            // work whenever INFO shows it over the bound, until one such request is refused.
            var refused = false
            try await waitUntil(seconds: 20) {
                guard pendingOutput(watcher) > 1 << 20 else { return false }
                refused = watcher.command("EXPORT", g)?.text?.hasPrefix("BUSY the server holds") == true
                return refused
            }
            #expect(refused)
            #expect(watcher.command("PING") == .simpleString("PONG"))  // cheap commands still answer
            sleepers.removeAll()  // closed: what they were sent is dropped
            try await waitUntil(seconds: 10) { pendingOutput(watcher) < 1 << 20 }
            #expect(watcher.command("EXPORT", g)?.text?.hasPrefix("BUSY") == false)
        }
        _ = try store.drop(graph: g)
    }

    // MARK: Before AUTH, AUTH, PING

    @Test func unauthenticatedClientsMaySendOnlySmallRequests() async throws {
        try await withServer({ $0.password = "s3cret" }, store: nil) { port in
            let c = try TestClient(port: port)
            c.send("*2\r\n$4\r\nAUTH\r\n$100000\r\n")
            #expect(try c.reply().text?.hasPrefix("ERR Protocol error: invalid bulk length") == true)
            let d = try TestClient(port: port)
            d.send("*100\r\n")
            #expect(try d.reply().text?.hasPrefix("ERR Protocol error: invalid multibulk length") == true)
            // Once authenticated the full limits apply.
            let e = try TestClient(port: port)
            #expect(e.command("AUTH", "s3cret") == .ok)
            let big = String(repeating: "x", count: 100_000)
            #expect(e.command("ECHO", big)?.text == big)
        }
    }

    @Test func failedAuthIsSlowedAndCounted() async throws {
        try await withServer({ $0.password = "s3cret"; $0.failedAuthDelayMilliseconds = 300 }, store: nil) { port in
            let c = try TestClient(port: port)
            let start = DispatchTime.now().uptimeNanoseconds
            #expect(c.command("AUTH", "guess")?.text?.hasPrefix("WRONGPASS") == true)
            #expect(millisecondsSince(start) >= 280)
            #expect(c.command("AUTH", "s3cret") == .ok)
            #expect(c.command("INFO", "stats")?.text?.contains("failed_auth:1") == true)
        }
    }

    @Test func pingTakesAtMostOneMessage() async throws {
        try await withServer(store: nil) { port in
            let c = try TestClient(port: port)
            #expect(c.command("PING", "x", "y", "z")?.text?.hasPrefix("WRONGARGS wrong number of arguments for 'PING'") == true)
            #expect(c.command("PING", "x")?.text == "x")
            #expect(c.command("PING") == .simpleString("PONG"))
        }
    }

    /// 200,000 NUL bytes: the client must read the protocol error, then the close, not a reset.
    @Test func aFloodGetsItsErrorBeforeTheClose() async throws {
        try await withServer(store: nil) { port in
            let c = try TestClient(port: port)
            c.send([UInt8](repeating: 0, count: 200_000))
            let reply = try c.reply()
            #expect(reply.text?.hasPrefix("ERR Protocol error: too big inline request") == true)
            #expect(c.isClosedByServerCleanly())
        }
    }
}

/// INFO's `commands_running`, asked on `client`.
private func running(_ client: TestClient) -> Int {
    field(client, "commands_running", section: "clients")
}

/// INFO's `pending_output_bytes`.
private func pendingOutput(_ client: TestClient) -> Int {
    field(client, "pending_output_bytes", section: "memory")
}

/// INFO's `total_commands_processed`.
private func processed(_ client: TestClient) -> Int {
    field(client, "total_commands_processed", section: "stats")
}

private func field(_ client: TestClient, _ name: String, section: String) -> Int {
    guard let text = client.command("INFO", section)?.text else { return -1 }
    for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix(name + ":") {
        return Int(line.dropFirst(name.count + 1)) ?? -1
    }
    return -1
}

func waitUntil(seconds: Double, _ condition: () -> Bool) async throws {
    let end = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
    while !condition() {
        if DispatchTime.now().uptimeNanoseconds > end { return }
        try await Task.sleep(for: .milliseconds(20))
    }
}

extension TestClient {
    /// Blocks until the server has sent something (or 30 s pass).
    func waitForInput() {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&p, 1, 30_000)
    }

    /// True when the server's close arrived as an orderly end of stream (not a reset).
    func isClosedByServerCleanly() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 { return false }
        }
    }
}
