import Foundation
import QuiverProtocol
import QuiverServer
import QuiverStore
import Testing

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

    init() throws { store = try ServerTestCluster.store.get() }

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
                #expect(lines.contains { Array($0.utf8).starts(with: Array("graph_\(g):".utf8)) && $0.hasSuffix("cached=1") }, "\(info)")
            }
        }
    }
}
