import Foundation
import QuiverProtocol
import QuiverServer
import QuiverStore
import Testing
import QuiverTestSupport

extension TestClient {
    /// A RESP array of bulk strings given as raw bytes (which need not be UTF-8).
    func command(raw words: [[UInt8]]) -> RESPValue? {
        var out = Array("*\(words.count)\r\n".utf8)
        for w in words { out += Array("$\(w.count)\r\n".utf8) + w + [13, 10] }
        send(out)
        return try? reply()
    }
}

/// Graph and term names are the stored bytes, on every path through the daemon.
@Suite(.serialized) struct ExactNameTests {
    let store: Store

    init() throws { store = try TestCluster.store() }

    /// `café` in NFC and in NFD: canonically equivalent (equal as Swift `String`s), yet two graphs.
    @Test(arguments: [false, true])
    func canonicallyEquivalentGraphNamesAreTwoGraphs(nfdFirst: Bool) async throws {
        let base = uniqueName("exact")
        let nfc = base + "-caf\u{E9}", nfd = base + "-cafe\u{301}"
        defer {
            _ = try? store.drop(graph: nfc)
            _ = try? store.drop(graph: nfd)
        }
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            #expect(c.command("LOAD", nfc, "FORMAT", "tsv", "a\tin_nfc\tb\nb\tin_nfc\tc\n")?.dictionary["new"] == .integer(2))
            #expect(c.command("LOAD", nfd, "FORMAT", "tsv", "a\tin_nfd\tz\n")?.dictionary["new"] == .integer(1))
            let order = nfdFirst ? [nfd, nfc] : [nfc, nfd]
            for _ in 0..<2 {
                for g in order {
                    let isNFC = Array(g.utf8) == Array(nfc.utf8)
                    let neighbors = c.command("NEIGHBORS", g, "a", "FORMAT", "JSON")?.text
                    #expect(neighbors == (isNFC
                        ? #"{"count":1,"neighbors":[{"direction":"out","node":"b","relation":"in_nfc"}],"truncated":false}"#
                        : #"{"count":1,"neighbors":[{"direction":"out","node":"z","relation":"in_nfd"}],"truncated":false}"#), "\(g.unicodeScalars.map(\.value))")
                    #expect(c.command("STATS", g)?.dictionary["triples"] == .integer(isNFC ? 2 : 1))
                    let paths = c.command("PATHS", g, "a", "c")
                    if isNFC {
                        #expect(paths?.dictionary["count"] == .integer(1))
                    } else {
                        #expect(paths?.text?.contains("unknown node 'c'") == true, "\(String(describing: paths))")
                    }
                    #expect(c.command("REACH", g, "a", "COUNT", "FORMAT", "JSON")?.text
                            == (isNFC ? #"{"count":2,"truncated":false}"# : #"{"count":1,"truncated":false}"#))
                }
            }
            // INFO marks each graph cached by its own name.
            let info = try #require(c.command("INFO", "graphs")?.text)
            let lines = info.split(separator: "\r\n").map(String.init)
            for g in [nfc, nfd] {
                #expect(lines.contains { Array($0.utf8).starts(with: Array("graph_\(g):".utf8)) && $0.contains("cached=1,") }, "\(info)")
            }
        }
    }

    @Test func invalidUTF8GraphNamesAreRefused() async throws {
        let g = uniqueName("exact-bad")
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            for bad: UInt8 in [0xFE, 0xFF] {
                let reply = c.command(raw: [Array("ADD".utf8), Array(g.utf8) + [bad], Array("a".utf8), Array("r".utf8), Array("b".utf8)])
                let hex = String(bad, radix: 16)
                #expect(reply?.text == "WRONGARGS ADD: argument 1 (a graph) is not valid UTF-8 (byte 0x\(hex) at offset \(g.utf8.count))")
            }
            let term = c.command(raw: [Array("ADD".utf8), Array(g.utf8), Array("caf".utf8) + [0xE9], Array("r".utf8), Array("b".utf8)])
            #expect(term?.text == "WRONGARGS ADD: argument 2 (a subject) is not valid UTF-8 (byte 0xe9 at offset 3)")
            // Other suites make graphs on the shared cluster meanwhile: the daemon's list is
            // checked for this test's name only (comparing the whole list raced with them).
            let listed = try #require(c.command("GRAPHS")?.dictionary["graphs"])
            guard case .array(let graphs) = listed else { Issue.record("GRAPHS: \(listed)"); return }
            #expect(graphs.allSatisfy { !($0.dictionary["name"]?.text ?? "").hasPrefix(g) })
            #expect(try store.graphs().allSatisfy { !$0.name.hasPrefix(g) })
            // Housekeeping refuses it too; PING and ECHO return bytes as they came.
            #expect(c.command(raw: [Array("CLIENT".utf8), Array("SETNAME".utf8), [0x6E, 0xFF]])?.text?.hasPrefix("WRONGARGS") == true)
            #expect(c.command(raw: [Array("HELLO".utf8), Array("3".utf8), Array("SETNAME".utf8), [0x6E, 0xFF]])?.text?.hasPrefix("WRONGARGS") == true)
            #expect(c.command("CLIENT", "SETNAME", "a\r\nb")?.text?.hasPrefix("ERR Client names cannot contain") == true)
            #expect(c.command("HELLO", "3", "SETNAME", "a b")?.text?.hasPrefix("ERR Client names cannot contain") == true)
            #expect(c.command("CLIENT", "SETNAME", "ok-name") == .ok)
            #expect(c.command(raw: [Array("ECHO".utf8), [0x61, 0xFF]]) == .bulkString([0x61, 0xFF]))
            // Words read as lists (HOP's relations, PPR's seeds) are checked like any other.
            #expect(c.command("ADD", g, "a", "r", "b") == .integer(1))
            #expect(c.command(raw: [Array("HOP".utf8), Array(g.utf8), Array("a".utf8), [0x72, 0xFF]])?.text
                    == "WRONGARGS HOP: argument 3 (a relation) is not valid UTF-8 (byte 0xff at offset 1)")
            #expect(c.command(raw: [Array("PPR".utf8), Array(g.utf8), Array("a".utf8), [0x61, 0xFE]])?.text
                    == "WRONGARGS PPR: argument 3 (a seed node) is not valid UTF-8 (byte 0xfe at offset 1)")
            _ = try? store.drop(graph: g)
        }
    }

    @Test func termsTheTSVLoaderRefusesAreRefusedByADD() async throws {
        let g = uniqueName("exact-terms")
        defer { _ = try? store.drop(graph: g) }
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            #expect(c.command("ADD", g, "a\u{0}b", "r", "c")?.text == "WRONGARGS ADD: argument 2 (a subject) contains a NUL byte")
            #expect(c.command("ADD", g, "", "r", "c")?.text == "WRONGARGS ADD: argument 2 (a subject) is empty")
            #expect(c.command("ADD", g, "a", "r\tx", "c")?.text == "WRONGARGS ADD: argument 3 (a predicate) contains a tab")
            #expect(c.command("ADD", g, "a", "r", "c\nd")?.text == "WRONGARGS ADD: argument 4 (an object) contains a line feed")
            #expect(c.command("DEL", g, "a\u{0}b", "r", "c")?.text == "WRONGARGS DEL: argument 2 (a subject) contains a NUL byte")
            #expect(c.command("ADD", "g\u{0}", "a", "r", "c")?.text?.hasPrefix("ERR invalid graph name") == true)
            #expect(try store.graphs().allSatisfy { $0.name != g })
        }
    }

    @Test func addedTriplesExportAsTSVThatLoadsBack() async throws {
        let g = uniqueName("exact-rt"), copy = g + "-copy"
        defer {
            _ = try? store.drop(graph: g)
            _ = try? store.drop(graph: copy)
        }
        try await withServer(store: store) { port in
            let c = try TestClient(port: port)
            #expect(c.command("ADD", g, "caf\u{E9}", "near", "cafe\u{301}") == .integer(1))
            #expect(c.command("ADD", g, "a b", "r", "x,\"y\"") == .integer(1))
            // Refused now; before, they were stored and made the export unloadable.
            _ = c.command("ADD", g, "", "r", "c")
            _ = c.command("ADD", g, "t\tu", "r", "c")
            let tsv = try #require(c.command("EXPORT", g, "FORMAT", "tsv")?.text)
            let loaded = c.command("LOAD", copy, "FORMAT", "tsv", tsv)
            let report = loaded?.dictionary
            #expect(loaded?.isError == false, "\(String(describing: loaded?.text)) for \(tsv)")
            #expect(report?["new"] == .integer(2), "\(String(describing: report))")
            #expect(c.command("EXPORT", copy, "FORMAT", "tsv")?.text.map { Array($0.utf8) } == Array(tsv.utf8))
            let neighbors = c.command("NEIGHBORS", copy, "caf\u{E9}", "FORMAT", "JSON")?.text
            #expect(neighbors.map { Array($0.utf8) }
                    == Array(#"{"count":1,"neighbors":[{"direction":"out","node":"cafe\#u{301}","relation":"near"}],"truncated":false}"#.utf8))
        }
    }
}
