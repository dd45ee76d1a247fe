import Foundation
import QuiverCore
import QuiverParsers
import Testing

extension Tabular {
    @Suite struct TSV {
        private func read(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Outcome {
            Tabular.outcome(text, sourceLocation: sourceLocation) { TSVReader(source: $0, fileName: "t.tsv") }
        }

        @Test func readsLinesWithLFAndCRLFAndSkipsBlankLines() {
            let result = read("\u{FEFF}usa\tembassy\tuk\r\n\n\r\nbrazil\tsanté\t/m/02_286\n\nlast\tline\tno_newline")
            #expect(result.error == nil)
            #expect(
                result.triples == [
                    name("usa", "embassy", "uk"), name("brazil", "santé", "/m/02_286"),
                    name("last", "line", "no_newline"),
                ])
        }

        @Test func emptyInputGivesNothing() {
            #expect(read("") == Outcome(triples: [], error: nil))
            #expect(read("\n\r\n\n") == Outcome(triples: [], error: nil))
        }

        @Test func twoFieldsIsAnErrorAtTheEndOfTheLine() {
            let error = expectError(read("a\tb\tc\nxé\ty\r\nd\te\tf\n"), line: 2, column: 5, found: "2 fields")
            #expect(error?.expected == "3 tab-separated fields")
            #expect(error?.file == "t.tsv")
            #expect(error?.description == "t.tsv:2:5: found 2 fields, expected 3 tab-separated fields")
        }

        @Test func oneFieldAndFourFields() {
            expectError(read("héllo\n"), line: 1, column: 6, found: "1 field")
            expectError(read("a\tb\tc\nab\tb\tc\td\te\n"), line: 2, column: 7, found: "5 fields")
        }

        @Test func emptyFieldsAreErrorsWhereTheFieldShouldBe() {
            expectError(read("\tb\tc\n"), line: 1, column: 1, found: "an empty field")
            expectError(read("a\t\tc\n"), line: 1, column: 3, found: "an empty field")
            expectError(read("x\ty\tz\nab\tb\t\r\n"), line: 2, column: 6, found: "an empty field")
        }

        @Test func invalidUTF8IsAnErrorAtTheBrokenCharacter() {
            var bytes = Array("ok\tfine\tyes\né\t".utf8)
            bytes += [0xFF] + Array("b\tc\n".utf8)
            let result = Tabular.outcome(bytes) { TSVReader(source: $0, fileName: "t.tsv") }
            #expect(result.triples == [name("ok", "fine", "yes")])
            expectError(result, line: 2, column: 3, found: "invalid UTF-8 (byte 0xFF)")

            let truncated = Tabular.outcome(Array("a".utf8) + [0xC3] + Array("\tb\tc".utf8)) {
                TSVReader(source: $0, fileName: "t.tsv")
            }
            expectError(truncated, line: 1, column: 2, found: "invalid UTF-8 (byte 0x09)")
            let surrogate = Tabular.outcome([0xED, 0xA0, 0x80] + Array("\tb\tc".utf8)) {
                TSVReader(source: $0, fileName: "t.tsv")
            }
            expectError(surrogate, line: 1, column: 1)
        }

        @Test func aReaderThatThrewKeepsThrowingTheSameError() throws {
            var reader = TSVReader(source: MemoryByteSource("a\tb\n"), fileName: "t.tsv")
            var batch: [Triple] = []
            let first = #expect(throws: ParseError.self) { try reader.readBatch(into: &batch, maxCount: 10) }
            let second = #expect(throws: ParseError.self) { try reader.readBatch(into: &batch, maxCount: 10) }
            #expect(first == second)
        }

        @Test func longLinesGrowTheBufferAndSmallChunksGiveTheSameResult() {
            let long = String(repeating: "x", count: 5000)
            let text = "a\tb\tc\n\(long)\tr\t\(long)é\n" + (0 ..< 100).map { "e\($0)\tr\t\($0)\n" }.joined()
            var small = TSVReader(source: MemoryByteSource(text), fileName: "t.tsv", chunkSize: 16)
            var large = TSVReader(source: MemoryByteSource(text), fileName: "t.tsv")
            let smallResult = readAll(&small, batchSize: 7)
            #expect(smallResult.error == nil)
            #expect(smallResult.triples.count == 102)
            #expect(smallResult.triples[1] == name(long, "r", long + "é"))
            #expect(smallResult == readAll(&large))
        }

        @Test func longRepeatedNamesKeepTheirExactText() {
            // Names over 15 bytes go through the reader's intern cache; near-identical ones must stay apart.
            let lines = (0 ..< 3000).map { i in
                ("a-long-entity-name-number-\(i)", "/a/long/relation/name/\(i % 7)", "tail-\(i % 13)-é-long-name-xyz")
            }
            let text = lines.map { "\($0.0)\t\($0.1)\t\($0.2)\n" }.joined()
            var reader = TSVReader(source: MemoryByteSource(text), fileName: "t.tsv", chunkSize: 4096)
            let result = readAll(&reader, batchSize: 333)
            #expect(result.error == nil)
            #expect(result.triples == lines.map { name($0.0, $0.1, $0.2) })
        }

        @Test func tooLongLineIsAnError() {
            var reader = TSVReader(
                source: MemoryByteSource("a\tb\tc\n" + String(repeating: "y", count: 100)), fileName: "t.tsv",
                chunkSize: 16, maxLineBytes: 50)
            expectError(readAll(&reader), line: 2, column: 1)
        }

        @Test func rawBatchesSeeTheSameFields() throws {
            var reader = TSVReader(source: MemoryByteSource("a\tb\tc\nd\té\tf\n"), fileName: "t.tsv")
            var fields: [[String]] = []
            while try reader.readRawBatch(maxCount: 1, { s, p, o in
                fields.append([s, p, o].map { String(decoding: $0, as: UTF8.self) })
            }) > 0 {}
            #expect(fields == [["a", "b", "c"], ["d", "é", "f"]])
        }

        @Test func nationsTrainingSetHas1592Triples() throws {
            var reader = try TSVReader(path: datasetPath("nations"))
            let result = readAll(&reader, batchSize: 500)
            #expect(result.error == nil)
            #expect(result.triples.count == 1592)
            #expect(result.triples.first == name("netherlands", "militaryalliance", "uk"))
        }

        @Test func kinshipsTrainingSetHas8544Triples() throws {
            var reader = try TSVReader(path: datasetPath("kinships"))
            let result = readAll(&reader, batchSize: 1000)
            #expect(result.error == nil)
            #expect(result.triples.count == 8544)
        }
    }
}
