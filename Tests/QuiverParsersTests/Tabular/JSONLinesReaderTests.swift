import QuiverCore
import QuiverParsers
import Testing

extension Tabular {
    @Suite struct JSONLines {
        private func read(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Outcome {
            Tabular.outcome(text, sourceLocation: sourceLocation) { JSONLinesReader(source: $0, fileName: "t.jsonl") }
        }

        private static let xsd = "http://www.w3.org/2001/XMLSchema#"

        @Test func readsAllKeySpellingsAndValueKinds() {
            let text = #"""
                {"s": "paris", "p": "population", "o": 2102650}
                {"subject":"x","predicate":"ratio","object":-1.5e3, "extra": {"nested": [1, {"a": null}], "b": true}}

                  {"tail": true, "relation": "r", "head": "h"}   
                {"s":"caf\u00e9 \"quoted\" \\ \/ \b\f\n\r\t","p":"emoji","o":"\ud83d\ude00 😀"}
                {"s":"a","p":"b","o":0.25}
                """#.replacingOccurrences(of: "\n", with: "\r\n")
            let result = read(text)
            #expect(result.error == nil)
            #expect(
                result.triples == [
                    Triple(.name("paris"), .name("population"), .literal("2102650", datatype: Self.xsd + "integer", language: nil)),
                    Triple(.name("x"), .name("ratio"), .literal("-1.5e3", datatype: Self.xsd + "double", language: nil)),
                    Triple(.name("h"), .name("r"), .literal("true", datatype: Self.xsd + "boolean", language: nil)),
                    Triple(.name("café \"quoted\" \\ / \u{8}\u{C}\n\r\t"), .name("emoji"), .name("😀 😀")),
                    Triple(.name("a"), .name("b"), .literal("0.25", datatype: Self.xsd + "double", language: nil)),
                ])
        }

        @Test func missingKeyIsReportedAtTheClosingBrace() {
            let error = expectError(read("{\"s\":\"a\",\"p\":\"b\"}\n"), line: 1, column: 17, found: "'}'")
            #expect(error?.expected == #"key "o" (or "object", "tail")"#)
            expectError(read("{\"s\":\"a\",\"o\":\"b\"}"), line: 1, column: 17, found: "'}'")
            expectError(read("\n {}"), line: 2, column: 3, found: "'}'")
        }

        @Test func duplicateKeysAndBadValues() {
            expectError(read(#"{"s":"a","subject":"b","p":"c","o":"d"}"#), line: 1, column: 10)
            expectError(read(#"{"s":null,"p":"c","o":"d"}"#), line: 1, column: 6, found: "'null'")
            expectError(read(#"{"s":"a","p":{"x":1},"o":"d"}"#), line: 1, column: 14, found: "an object")
            expectError(read(#"{"s":"a","p":"b","o":["d"]}"#), line: 1, column: 22, found: "an array")
            expectError(read(#"{"s":"","p":"b","o":"c"}"#), line: 1, column: 6, found: "an empty string")
            expectError(read(#"{"s":"a","p":"b","o":nope}"#), line: 1, column: 22, found: "'nope'")
        }

        @Test func notAnObjectAndTextAfterTheObject() {
            expectError(read("{\"s\":\"a\",\"p\":\"b\",\"o\":\"c\"}\n[1]\n"), line: 2, column: 1, found: "an array")
            expectError(read("{\"s\":\"a\",\"p\":\"b\",\"o\":\"c\"} x\n"), line: 1, column: 27, found: "'x'")
            expectError(read("{\"s\":\"a\",\"p\":\"b\",\"o\":\"c\"} {\"s\":\"a\"}"), line: 1, column: 27, found: "an object")
        }

        @Test func stringErrorsHaveExactPositions() {
            expectError(read("{\"s\":\"abc"), line: 1, column: 6, found: "a string that is never closed")
            expectError(read("{\"s\":\"ab\ncd\"}"), line: 1, column: 9, found: "end of line")
            expectError(read(#"{"s":"ab\x"}"#), line: 1, column: 9, found: #"'\x'"#)
            expectError(read(#"{"s":"é\ude00"}"#), line: 1, column: 8)
            expectError(read(#"{"s":"\ud83dx"}"#), line: 1, column: 7)
            expectError(read(#"{"s":"\u12G4"}"#), line: 1, column: 11, found: "'G'")
            let bytes = Array("{\"s\":\"aé".utf8) + [0xF0, 0x9F, 0x41] + Array("\"}".utf8)
            let result = Tabular.outcome(bytes) { JSONLinesReader(source: $0, fileName: "t.jsonl") }
            expectError(result, line: 1, column: 9, found: "invalid UTF-8 (byte 0x41)")
        }

        @Test func deepNestingInSkippedValuesIsBounded() {
            let shallow = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
            #expect(read(#"{"x":\#(shallow),"s":"a","p":"b","o":"c"}"#).triples == [name("a", "b", "c")])
            let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
            expectError(read(#"{"x":\#(deep),"s":"a","p":"b","o":"c"}"#), line: 1, column: 518, found: "nesting deeper than 512")
        }

        @Test func syntaxErrorsHaveExactPositions() {
            expectError(read(#"{"s" "a"}"#), line: 1, column: 6, found: "'\"'")
            expectError(read(#"{"s":"a" "p":"b"}"#), line: 1, column: 10, found: "'\"'")
            expectError(read(#"{"s":"a","p":"b","o":-}"#), line: 1, column: 23, found: "'}'")
            expectError(read(#"{"s":"a","p":"b","o":1.}"#), line: 1, column: 24, found: "'}'")
            expectError(read(#"{"s":"a","p":"b","o":01}"#), line: 1, column: 23, found: "'1'")
            expectError(read(#"{"s":"a","x":[1,2,}"#), line: 1, column: 19, found: "'}'")
            expectError(read(#"{s:"a"}"#), line: 1, column: 2, found: "'s'")
            expectError(read("{\"s\":\"a\","), line: 1, column: 10, found: "end of input")
        }
    }
}
