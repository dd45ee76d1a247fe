import QuiverCore
import QuiverParsers
import Testing

extension Tabular {
    /// PostgreSQL text cannot hold a NUL: every reader refuses one where it is, like any other
    /// syntax error, instead of the load failing later with a database error and no position.
    @Suite struct NulBytes {
        @Test func tsvRefusesANulAtItsPosition() {
            let first = Tabular.outcome(Array("a".utf8) + [0] + Array("b\tr\tc\n".utf8)) { TSVReader(source: $0, fileName: "t.tsv") }
            let error = expectError(first, line: 1, column: 2, found: "a NUL byte")
            #expect(error?.description.hasPrefix("t.tsv:1:2: found a NUL byte") == true)
            let later = Tabular.outcome(Array("x\ty\tz\nés\tr\tc".utf8) + [0] + Array("d\n".utf8)) { TSVReader(source: $0, fileName: "t.tsv") }
            #expect(later.triples == [name("x", "y", "z")])
            expectError(later, line: 2, column: 7, found: "a NUL byte")
        }

        @Test func csvRefusesANulAtItsPosition() {
            let result = Tabular.outcome(Array("s,p,o\na,r,b\nc,\"r".utf8) + [0] + Array("\",d\n".utf8)) { CSVReader(source: $0, fileName: "t.csv") }
            #expect(result.triples == [name("a", "r", "b")])
            expectError(result, line: 3, column: 5, found: "a NUL byte")
        }

        @Test func jsonLinesRefusesANulEvenEscaped() {
            let escaped = Tabular.outcome(#"{"s": "a", "p": "r", "o": "b\u0000c"}"#) { JSONLinesReader(source: $0, fileName: "t.jsonl") }
            #expect(escaped.error?.line == 1)
            #expect(escaped.error?.found.contains("NUL") == true, "\(escaped)")
        }
    }
}

extension Tabular {
    /// The TSV writer refuses exactly the names the TSV reader would refuse (`TermProblem`).
    @Suite struct TSVWriterRule {
        @Test func namesTheReaderRefusesCannotBeWritten() throws {
            let writer = TripleWriter(format: .tsv)
            var out: [UInt8] = []
            for (bad, why) in [("", "is empty"), ("a\u{0}b", "contains a NUL byte"), ("a\tb", "contains a tab"), ("a\r\nb", "contains a carriage return")] {
                do {
                    try writer.append(.name(bad), .name("r"), .name("c"), to: &out)
                    Issue.record("wrote \(bad.debugDescription)")
                } catch let e as TripleWriter.UnrepresentableTerm {
                    #expect(e.description.contains(why), "\(e)")
                }
            }
            #expect(out.isEmpty)
            try writer.append(.name("caf\u{E9}"), .name("r"), .name("c"), to: &out)
            var reader = TSVReader(source: MemoryByteSource(out), fileName: "w.tsv")
            var batch: [Triple] = []
            _ = try reader.readBatch(into: &batch, maxCount: 10)
            #expect(batch == [Triple(.name("caf\u{E9}"), .name("r"), .name("c"))])
        }
    }
}
