import QuiverCore
import QuiverParsers
import Testing

extension Tabular {
    @Suite struct CSV {
        private func read(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Outcome {
            Tabular.outcome(text, sourceLocation: sourceLocation) { CSVReader(source: $0, fileName: "t.csv") }
        }

        @Test func readsQuotedFieldsEscapesAndLineBreaks() {
            let text = "Subject,Predicate,Object\r\n"
                + "paris,capital_of,france\r\n"
                + "\r\n"
                + "\"Smith, John\",\"said \"\"hi\"\"\",\"line one\nline two\"\n"
                + "\n"
                + "é,\"\",\"x\"\n".replacingOccurrences(of: "\"\"", with: "\"r\"")
                + "last,one,\"no newline\""
            let result = read(text)
            #expect(result.error == nil)
            #expect(
                result.triples == [
                    name("paris", "capital_of", "france"),
                    name("Smith, John", "said \"hi\"", "line one\nline two"),
                    name("é", "r", "x"),
                    name("last", "one", "no newline"),
                ])
        }

        @Test(arguments: ["head,relation,tail", "SUBJECT,predicate,Object", "s,p,o", "H,R,T"])
        func knownHeadersAreSkipped(header: String) {
            #expect(read("\(header)\na,b,c\n").triples == [name("a", "b", "c")])
        }

        @Test func otherFirstRowsAndLaterHeadersAreData() {
            #expect(read("head,rel,tail\n").triples == [name("head", "rel", "tail")])
            #expect(read("a,b,c\nh,r,t\n").triples == [name("a", "b", "c"), name("h", "r", "t")])
            #expect(read("\"h\",r,t\na,b,c\n").triples == [name("a", "b", "c")])
        }

        @Test func unterminatedQuoteIsReportedWhereItOpened() {
            let result = read("a,b,c\nxé,\"yy\nzz,w\n")
            #expect(result.triples == [name("a", "b", "c")])
            let error = expectError(result, line: 2, column: 4, found: "a quoted field that is never closed")
            #expect(error?.expected == "a closing '\"'")
        }

        @Test func wrongFieldCounts() {
            expectError(read("a,b\n"), line: 1, column: 4, found: "2 fields")
            expectError(read("a,b,c\nonly"), line: 2, column: 5, found: "1 field")
            expectError(read("a,b,c,d\n"), line: 1, column: 6, found: "more than 3 fields")
            expectError(read("\"x\ny\",b\r\n"), line: 2, column: 5, found: "2 fields")
        }

        @Test func emptyFieldsAreErrors() {
            expectError(read("a,,c\n"), line: 1, column: 3, found: "an empty field")
            expectError(read("\"\",b,c\n"), line: 1, column: 1, found: "an empty field")
            expectError(read("a,b,\n"), line: 1, column: 5, found: "an empty field")
            expectError(read("a,b,"), line: 1, column: 5, found: "an empty field")
        }

        @Test func badQuotingAndLineEnds() {
            expectError(read("\"a\"x,b,c\n"), line: 1, column: 4, found: "'x'")
            expectError(read("a\"b,c,d\n"), line: 1, column: 2, found: "'\"'")
            expectError(read("a,b,c\rd,e,f\n"), line: 1, column: 7, found: "'d'")
        }

        @Test func invalidUTF8InsideAQuotedFieldAcrossLines() {
            let bytes = Array("\"x\ny".utf8) + [0xE2, 0x28] + Array("\",b,c\n".utf8)
            let result = Tabular.outcome(bytes) { CSVReader(source: $0, fileName: "t.csv") }
            expectError(result, line: 2, column: 2, found: "invalid UTF-8 (byte 0x28)")
            let truncated = Tabular.outcome(Array("a".utf8) + [0xC3] + Array(",b,c".utf8)) {
                CSVReader(source: $0, fileName: "t.csv")
            }
            expectError(truncated, line: 1, column: 2, found: "invalid UTF-8 (byte 0x2C)")
        }
    }
}
