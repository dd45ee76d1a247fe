import QuiverCore
import QuiverParsers
import Testing

extension Tabular {
    @Suite struct TwoWiki {
        private func read(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Outcome {
            Tabular.outcome(text, sourceLocation: sourceLocation) { TwoWikiReader(source: $0, fileName: "t.json") }
        }

        private static let record1 = #"""
            {"_id": "8813f87c0bdd11eba7f7acde48001122", "type": "compositional",
             "question": "Who is the mother of the director of film Polish-Russian War?",
             "context": [["Xawery Żuławski", ["Xawery Żuławski (born 22 December 1971) is a Polish film director.", "x"]],
                         ["Empty", []]],
             "supporting_facts": [["Polish-Russian War (film)", 1], ["Xawery Żuławski", 2]],
             "evidences": [["Polish-Russian War", "director", "Xawery \u017bu\u0142awski"],
                           ["Xawery Żuławski", "mother", "Małgorzata Braunek"]],
             "answer": "Małgorzata Braunek", "score": -0.5e-3, "ok": true, "none": null}
            """#

        private static let expected = [
            name("Polish-Russian War", "director", "Xawery Żuławski"),
            name("Xawery Żuławski", "mother", "Małgorzata Braunek"),
        ]

        @Test func readsAnArrayOfRecords() {
            let text = "\u{FEFF} [\n" + Self.record1 + ",\n{\"_id\": \"no evidences\"},\n{\"evidences\": null},"
                + #"{"evidences": [], "x": 1}, {"evidences": [["a", "b", "c"]]}"# + "\n]\n"
            let result = read(text)
            #expect(result.error == nil)
            #expect(result.triples == Self.expected + [name("a", "b", "c")])
        }

        @Test func readsOneRecordPerLine() {
            let line = Self.record1.replacingOccurrences(of: "\n", with: " ")
            let result = read(line + "\n\n" + #"{"evidences": [["a", "b", "c"]]}"# + "\n" + line)
            #expect(result.error == nil)
            #expect(result.triples == Self.expected + [name("a", "b", "c")] + Self.expected)
        }

        @Test func emptyInputsGiveNothing() {
            #expect(read("") == Outcome(triples: [], error: nil))
            #expect(read(" [ ] ") == Outcome(triples: [], error: nil))
        }

        @Test func malformedEvidenceIsReportedWhereItIs() {
            expectError(read(#"[{"evidences": [["a", "b"]]}]"#), line: 1, column: 26, found: "']' after 2 string(s)")
            expectError(read(#"[{"evidences": [["a", 1, "c"]]}]"#), line: 1, column: 23, found: "'1'")
            expectError(read(#"[{"evidences": [["a", "b", "c", "d"]]}]"#), line: 1, column: 31, found: "','")
            expectError(read(#"[{"evidences": ["a"]}]"#), line: 1, column: 17, found: "'\"'")
            expectError(read(#"[{"evidences": [[]]}]"#), line: 1, column: 18, found: "']'")
            expectError(read("[{\"evidences\": {}}]"), line: 1, column: 16, found: "an object")
            expectError(read("[{\"evidences\": [[\"a\", \"\", \"c\"]]}]"), line: 1, column: 23, found: "an empty string")
        }

        @Test func structuralErrors() {
            let error = expectError(read("[{\"evidences\": [[\"a\", \"b\", \"c\"]]},\n 42]"), line: 2, column: 2, found: "'4'")
            #expect(error?.expected == "a record object")
            expectError(read("[{\"evidences\": [[\"a\", \"b\", \"c\"]]}"), line: 1, column: 34, found: "end of input")
            expectError(read("[] x"), line: 1, column: 4, found: "'x'")
            expectError(read("\"records\""), line: 1, column: 1, found: "'\"'")
            expectError(read("[{\"context\": [[\"x\", [\"unterminated]]}]"), line: 1, column: 22, found: "a string that is never closed")
        }

        @Test func triplesBeforeAnErrorInALaterRecordAreKept() {
            let result = read("{\"evidences\": [[\"a\", \"b\", \"c\"]]}\n{\"evidences\": [[\"a\"]]}\n")
            #expect(result.triples == [name("a", "b", "c")])
            expectError(result, line: 2, column: 20)
        }
    }
}
