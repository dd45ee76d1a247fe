import Foundation
import QuiverProtocol
import QuiverServer
import Testing
import QuiverTestSupport

/// The server without a store: protocol handling, housekeeping, limits and security.
@Suite struct ProtocolServerTests {
    @Test func inlineAndRESPPipelinedInOneWrite() async throws {
        try await withServer { port in
            let c = try TestClient(port: port)
            var bytes: [UInt8] = []
            for i in 0..<200 { bytes += i % 2 == 0 ? Array("PING\r\n".utf8) : TestClient.encode(["ECHO", "m\(i)"]) }
            c.send(bytes)
            for i in 0..<200 {
                let r = try c.reply()
                #expect(r == (i % 2 == 0 ? .simpleString("PONG") : .bulk("m\(i)")))
            }
        }
    }

    @Test func commandSentByteByByte() async throws {
        try await withServer { port in
            let c = try TestClient(port: port)
            for b in TestClient.encode(["ECHO", "hello world"]) + Array("echo \"quoted\\tword\"\n".utf8) { c.send([b]) }
            #expect(try c.reply() == .bulk("hello world"))
            #expect(try c.reply() == .bulk("quoted\tword"))
        }
    }

    @Test(arguments: [
        "*3000000000\r\n", "*-x\r\n", "*1\r\n$-7\r\n", "*1\r\n$abc\r\n", "*1\r\n$999999999999\r\n",
        "PING \"unbalanced\r\n", "PI\u{0}NG\r\n", "*2\r\n$4\r\nECHO\r\n:1\r\n",
    ])
    func malformedRequestGetsErrorAndClose(input: String) async throws {
        try await withServer { port in
            let bad = try TestClient(port: port)
            let other = try TestClient(port: port)
            bad.send(input)
            let r = try bad.reply()
            #expect(r.text?.hasPrefix("ERR Protocol error: ") == true, "\(input.debugDescription) → \(r)")
            #expect(bad.isClosedByServer())
            #expect(other.command("PING") == .simpleString("PONG"))
        }
    }

    @Test func oversizedInlineAndEndlessGarbage() async throws {
        try await withServer { port in
            let c = try TestClient(port: port)
            c.send([UInt8](repeating: UInt8(ascii: "x"), count: 70 * 1024))
            #expect(try c.reply().text?.contains("too big inline request") == true)
            #expect(c.isClosedByServer())

            let g = try TestClient(port: port)
            var rng = SystemRandomNumberGenerator()
            var closed = false
            for _ in 0..<64 where !closed {
                g.send((0..<16384).map { _ in UInt8.random(in: 0...255, using: &rng) })
                closed = (try? g.reply()) != nil
            }
            #expect(closed, "garbage was never refused")
            #expect(try TestClient(port: port).command("PING") == .simpleString("PONG"))
        }
    }

    @Test func helloSwitchesToRESP3() async throws {
        try await withServer { port in
            let c = try TestClient(port: port)
            let hello = try #require(c.command("HELLO", "3", "SETNAME", "tester"))
            guard case .map = hello else { Issue.record("HELLO 3 did not answer a map: \(hello)"); return }
            #expect(hello.dictionary["proto"] == .integer(3))
            #expect(hello.dictionary["server"] == .bulk("quiver"))
            #expect(c.command("CLIENT", "GETNAME") == .bulk("tester"))
            #expect(c.command("HELLO", "4")?.text?.hasPrefix("NOPROTO") == true)
            let c2 = try TestClient(port: port)
            #expect(c2.command("CLIENT", "GETNAME") == .null)
            #expect(c2.command("HELLO")?.dictionary["proto"] == .integer(2))
        }
    }

    @Test func housekeepingThatClientsSend() async throws {
        try await withServer { port in
            let c = try TestClient(port: port)
            #expect(c.command("SELECT", "0") == .ok)
            #expect(c.command("SELECT", "1")?.isError == true)
            #expect(c.command("CLIENT", "SETINFO", "LIB-NAME", "redis-py") == .ok)
            guard case .integer = try #require(c.command("CLIENT", "ID")) else { Issue.record("CLIENT ID"); return }
            guard case .array(let commands) = try #require(c.command("COMMAND")) else { Issue.record("COMMAND"); return }
            #expect(commands.count > 20)
            let docs = try #require(c.command("COMMAND", "DOCS", "PATHS")).dictionary
            #expect(docs["paths"]?.dictionary["summary"]?.text?.contains("shortest") == true)
            // Per-argument docs, which redis-cli turns into hints: PPR graph seed [seed …] [ALPHA a] …
            let ppr = try #require(c.command("COMMAND", "DOCS", "PPR")).dictionary
            guard case .array(let arguments) = try #require(ppr["ppr"]?.dictionary["arguments"]) else { Issue.record("arguments"); return }
            let byName = Dictionary(arguments.map { ($0.dictionary["name"]?.text ?? "", $0.dictionary) }, uniquingKeysWith: { a, _ in a })
            #expect(arguments.first?.dictionary["name"]?.text == "graph" && arguments.first?.dictionary["flags"] == nil)
            #expect(byName["seed"]?["flags"] == .array([.simpleString("multiple")]))
            #expect(byName["a"]?["token"]?.text == "ALPHA" && byName["a"]?["flags"] == .array([.simpleString("optional")]))
            #expect(byName["n|t"]?["type"]?.text == "oneof")
            let info = try #require(c.command("INFO", "server")?.text)
            #expect(info.contains("quiver_version:"))
            #expect(c.command("NOSUCH")?.text?.hasPrefix("ERR unknown command") == true)
            #expect(c.command("TRAIN", "g")?.text == "ERR this server has no store")
            #expect(c.command("ECHO")?.text?.hasPrefix("WRONGARGS") == true)
            #expect(c.command("QUIT") == .ok)
            #expect(c.isClosedByServer())
        }
    }

    @Test func passwordGatesEverythingButAuthHelloPingQuit() async throws {
        try await withServer({ $0.password = "s3cret" }) { port in
            let c = try TestClient(port: port)
            #expect(c.command("PING") == .simpleString("PONG"))
            #expect(c.command("GRAPHS")?.text?.hasPrefix("NOAUTH") == true)
            #expect(c.command("HELLO", "3")?.text?.hasPrefix("NOAUTH") == true)
            #expect(c.command("AUTH", "wrong")?.text?.hasPrefix("WRONGPASS") == true)
            #expect(c.command("AUTH", "s3cret") == .ok)
            #expect(c.command("ECHO", "in") == .bulk("in"))
            let d = try TestClient(port: port)
            #expect(d.command("HELLO", "3", "AUTH", "default", "s3cret")?.dictionary["proto"] == .integer(3))
            #expect(d.command("ECHO", "in") == .bulk("in"))
        }
    }

    @Test func httpRequestsAreClosedAtOnce() async throws {
        try await withServer { port in
            for request in ["POST / HTTP/1.1\r\nHost: x\r\n\r\n", "Host: evil\r\n", "GET / HTTP/1.1\r\n"] {
                let c = try TestClient(port: port)
                c.send(request)
                #expect(c.isClosedByServer())
            }
        }
    }

    @Test func clientCountIsBounded() async throws {
        try await withServer({ $0.maxClients = 2 }) { port in
            let a = try TestClient(port: port), b = try TestClient(port: port)
            #expect(a.command("PING") == .simpleString("PONG"))
            #expect(b.command("PING") == .simpleString("PONG"))
            let c = try TestClient(port: port)
            #expect(try c.reply().text?.contains("max number of clients") == true)
            #expect(c.isClosedByServer())
        }
    }

    @Test func argumentCountIsBounded() async throws {
        try await withServer({ $0.limits.maxArguments = 4 }) { port in
            let c = try TestClient(port: port)
            c.send(TestClient.encode(["ECHO", "a", "b", "c", "d"]))
            #expect(try c.reply().text?.contains("invalid multibulk length") == true)
            #expect(c.isClosedByServer())
        }
    }

    @Test func idleClientsAreClosed() async throws {
        try await withServer({ $0.idleTimeout = 1 }) { port in
            let c = try TestClient(port: port)
            #expect(c.command("PING") == .simpleString("PONG"))
            let started = Date()
            #expect(c.isClosedByServer())
            #expect(Date().timeIntervalSince(started) < 5)
        }
    }

    @Test func clientThatStopsReadingDoesNotStallOthers() async throws {
        try await withServer { port in
            let hog = try TestClient(port: port)
            // Many big replies that it never reads: the server must stop reading from it, not buffer without end.
            let payload = String(repeating: "x", count: 60_000)
            var batch: [UInt8] = []
            for _ in 0..<200 { batch += TestClient.encode(["ECHO", payload]) }
            DispatchQueue.global().async { [batch] in hog.send(batch) }
            try await Task.sleep(for: .milliseconds(300))
            let other = try TestClient(port: port)
            #expect(other.command("PING") == .simpleString("PONG"))
        }
    }
}
