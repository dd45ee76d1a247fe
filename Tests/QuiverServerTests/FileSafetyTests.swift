import Foundation
import QuiverCore
import QuiverProtocol
import QuiverServer
import QuiverStore
import Testing

#if canImport(Glibc)
import Glibc
import QuiverTestSupport
#endif

/// The daemon reads only regular files inside `--import-dir`, writes only inside `--export-dir`,
/// never through a link, and no file or slow load holds a worker (and its locks) forever.
@Suite(.serialized) struct FileSafetyTests {
    let store: Store

    init() throws { store = try TestCluster.store() }

    /// A fresh directory under the temp directory, removed by the caller.
    static func temporaryDirectory(_ prefix: String) throws -> String {
        let dir = NSTemporaryDirectory() + "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// `LOAD … PATH fifo` used to block in open(2) forever with the worker, its COPY and its locks.
    @Test func aFIFOIsRefusedAtOnce() async throws {
        let dir = try Self.temporaryDirectory("quiver-fifo")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/pipe.tsv"
        #expect(mkfifo(fifo, 0o644) == 0)
        // Should a load still block on the FIFO, a writer that opens and closes it ends the read,
        // so that the test fails instead of hanging the process.
        defer {
            let w = open(fifo, O_WRONLY | O_NONBLOCK)
            if w >= 0 { close(w) }
        }
        try "a\tr\tb\n".write(toFile: dir + "/ok.tsv", atomically: true, encoding: .utf8)
        let g = uniqueName("srv-fifo")
        try await withServer({ $0.importDirectory = dir; $0.workerThreads = 2 }, store: store) { port in
            let c = try TestClient(port: port)
            #expect(c.command("LOAD", g, "FORMAT", "tsv", "PATH", "ok.tsv")?.dictionary["new"] == .integer(1))
            let a = try TestClient(port: port), b = try TestClient(port: port)
            let started = Date()
            a.send(TestClient.encode(["LOAD", g, "FORMAT", "tsv", "PATH", "pipe.tsv"]))
            b.send(TestClient.encode(["LOAD", g, "FORMAT", "tsv", "PATH", "pipe.tsv"]))
            for client in [a, b] {
                let reply = (try? client.reply())?.text
                #expect(reply?.hasPrefix("ERR") == true && reply?.contains("not a regular file") == true && reply?.contains("pipe.tsv") == true,
                        "\(reply ?? "no reply")")
            }
            #expect(Date().timeIntervalSince(started) < 3)
            // Both workers are free again: graph commands are answered.
            #expect(c.command("STATS", g)?.dictionary["triples"] == .integer(1))
            #expect(c.command("ADD", g, "b", "r", "c") == .integer(1))
            // The opened descriptor is still sniffed for gzip.
            let gzip = Process()
            gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
            gzip.arguments = ["-c", "printf 'c\\tr\\td\\n' | gzip > '\(dir)/more.tsv.gz'"]
            try gzip.run()
            gzip.waitUntilExit()
            #expect(c.command("LOAD", g, "FORMAT", "tsv", "PATH", "more.tsv.gz")?.dictionary["new"] == .integer(1))
        }
        _ = try? store.drop(graph: g)
    }

    /// A thread swaps `inside/data.tsv` between a regular file and a link to a file outside the
    /// import directory while loads run: the check is made on the opened file, so no load ever
    /// reads the outside file.
    @Test func swappingInALinkNeverLoadsAFileOutside() async throws {
        let root = try Self.temporaryDirectory("quiver-toctou")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let importDir = root + "/import", outside = root + "/outside"
        try FileManager.default.createDirectory(atPath: importDir + "/inside", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "secret\tr\tleaked\n".write(toFile: outside + "/secret.tsv", atomically: true, encoding: .utf8)
        let data = importDir + "/inside/data.tsv"
        let inside = Array("in\tr\tside\n".utf8)
        try Data(inside).write(to: URL(fileURLWithPath: data))

        let stop = CancellationToken()
        let swapper = Thread {
            let regular = importDir + "/inside/.regular", link = importDir + "/inside/.link"
            // Both replacements are made before their swap, and each state lasts about as long.
            while !stop.isCancelled {
                FileManager.default.createFile(atPath: regular, contents: Data(inside))
                _ = symlink(outside + "/secret.tsv", link)
                _ = rename(link, data)
                usleep(500)
                _ = rename(regular, data)
                usleep(500)
            }
        }
        swapper.start()
        defer { stop.cancel() }

        let g = uniqueName("srv-toctou")
        var loaded = 0, refused = 0
        var refusals: Set<String> = []
        try await withServer({ $0.importDirectory = importDir }, store: store) { port in
            let c = try TestClient(port: port)
            for _ in 0 ..< 100 {
                let reply = try #require(c.command("LOAD", g, "FORMAT", "tsv", "PATH", "inside/data.tsv"))
                if reply.dictionary["read"] != nil { loaded += 1 } else if let text = reply.text, text.hasPrefix("ERR") {
                    refused += 1
                    refusals.insert(text)
                }
            }
        }
        stop.cancel()
        #expect(loaded + refused == 100)
        #expect(loaded > 0, "\(refusals)")
        if loaded > 0 { #expect(try store.nameTriples(g) == ["in\tr\tside"]) }
        _ = try? store.drop(graph: g)
    }

    /// AUGMENT … OUT link, where `link` points outside `--export-dir`, writes nothing there; a link
    /// planted inside the output directory is replaced or refused, never written through.
    @Test func augmentNeverWritesThroughALink() async throws {
        let root = try Self.temporaryDirectory("quiver-augment-links")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let exportDir = root + "/export", outside = root + "/outside"
        try FileManager.default.createDirectory(atPath: exportDir + "/planted", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        #expect(symlink(outside, exportDir + "/link") == 0)
        let victim = root + "/victim"
        try "precious".write(toFile: victim, atomically: true, encoding: .utf8)
        #expect(symlink(victim, exportDir + "/planted/train.json") == 0)
        let small = ["ENTITIES", "100", "RELATIONS", "10", "OUT-DEGREE", "4", "PHI", "2", "SEED", "7", "PROBE-SIZE", "50"]

        try await withServer({ $0.exportDirectory = exportDir }, store: store) { port in
            let c = try TestClient(port: port)
            for out in ["link", "planted"] {
                let started = try #require(c.command(["AUGMENT", "SYNTHETIC", "OUT", out] + small))
                if let id = started.dictionary["job"]?.text {
                    let status = try await finishedJob(c, id, polls: 600)
                    #expect(status["state"] == .bulk("failed"), "\(out): \(status["state"]?.text ?? "no state")")
                    #expect(status["error"]?.text?.contains(out) == true, "\(out): \(status["error"]?.text ?? "no error")")
                } else {
                    #expect(started.text?.hasPrefix("ERR") == true, "\(out): \(started.text ?? "not text")")
                }
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == [])
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: exportDir + "/planted/train.json") == victim)
    }

    /// A load past `loadTimeoutSeconds` is cancelled and rolls back whole: the graph is unchanged.
    @Test func aLoadPastItsDeadlineLeavesTheGraphUnchanged() async throws {
        let dir = try Self.temporaryDirectory("quiver-deadline")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines = ""
        for i in 0 ..< 200_000 { lines += "n\(i)\tr\tn\(i + 1)\n" }
        try lines.write(toFile: dir + "/big.tsv", atomically: true, encoding: .utf8)
        let g = uniqueName("srv-deadline")
        _ = try store.load(graph: g, inputs: [.bytes(name: "seed", Array("a\tr\tb\n".utf8))], options: LoadOptions(format: .tsv))
        try await withServer({ $0.importDirectory = dir; $0.loadTimeoutSeconds = 0.001 }, store: store) { port in
            let c = try TestClient(port: port)
            for words in [["LOAD", g, "FORMAT", "tsv", "PATH", "big.tsv"], ["LOAD", g, "FORMAT", "tsv", lines]] {
                let reply = c.command(words)?.text
                #expect(reply?.hasPrefix("ERR") == true && reply?.contains("--load-timeout") == true, "\(reply ?? "nil")")
            }
            let started = try #require(c.command("LOAD", g, "FORMAT", "tsv", "PATH", "big.tsv", "ASYNC")?.dictionary["job"]?.text)
            let status = try await finishedJob(c, started, polls: 600)
            #expect(status["state"] == .bulk("failed") && status["error"]?.text?.contains("--load-timeout") == true, "\(status)")
            #expect(c.command("STATS", g)?.dictionary["triples"] == .integer(1))
        }
        #expect(try store.nameTriples(g) == ["a\tr\tb"])
        _ = try? store.drop(graph: g)
    }
}
