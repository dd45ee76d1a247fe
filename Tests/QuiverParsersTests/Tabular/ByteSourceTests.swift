import Foundation
import QuiverCore
import QuiverParsers
import Testing

extension Tabular {
    @Suite struct ByteSources {
        private static let text = (0 ..< 2000).map { "entity\($0)\trelation\($0 % 7)\tentité\($0 * 31)\n" }.joined()

        private func drain<S: ByteSource>(_ source: inout S, chunk: Int = 4096) throws -> [UInt8] {
            var result: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: chunk)
            while true {
                let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if n == 0 { return result }
                result += buffer[..<n]
            }
        }

        @Test func gzipRoundTripAllAtOnceAndByteByByte() throws {
            let plain = Array(Self.text.utf8)
            let compressed = deflate(plain)
            #expect(compressed.count < plain.count / 3)
            var whole = GzipByteSource(MemoryByteSource(compressed), name: "x.gz")
            #expect(try drain(&whole) == plain)
            var trickle = GzipByteSource(TrickleSource(compressed), name: "x.gz", inputChunkSize: 1)
            #expect(try drain(&trickle, chunk: 7) == plain)
        }

        @Test func zlibStreamsAreDetectedToo() throws {
            var source = GzipByteSource(MemoryByteSource(deflate(Array("hello".utf8), gzip: false)), name: "x.z")
            #expect(try drain(&source) == Array("hello".utf8))
        }

        @Test func concatenatedMembersReadAsOneStream() throws {
            let parts = ["a\tb\tc\n", "d\te\tf\n", "", "g\th\ti"]
            let compressed = parts.flatMap { deflate(Array($0.utf8)) }
            var source = GzipByteSource(TrickleSource(compressed), name: "x.gz", inputChunkSize: 3)
            #expect(try drain(&source, chunk: 2) == Array(parts.joined().utf8))
            var reader = TSVReader(source: GzipByteSource(MemoryByteSource(compressed), name: "x.gz"), fileName: "x.gz")
            #expect(readAll(&reader).triples == [name("a", "b", "c"), name("d", "e", "f"), name("g", "h", "i")])
        }

        @Test func corruptAndTruncatedGzipAreErrorsNamingThePath() throws {
            var compressed = deflate(Array(Self.text.utf8))
            var truncated = GzipByteSource(MemoryByteSource(Array(compressed[..<(compressed.count / 2)])), name: "t.gz")
            let error = #expect(throws: InputError.self) { try drain(&truncated) }
            #expect(error == .corruptGzip(path: "t.gz", reason: "unexpected end of compressed data"))

            for i in 20 ..< 40 { compressed[i] ^= 0x5A }
            var corrupt = GzipByteSource(MemoryByteSource(compressed), name: "c.gz")
            let corruptError = #expect(throws: InputError.self) { try drain(&corrupt) }
            guard case .corruptGzip(let path, let reason)? = corruptError else {
                Issue.record("expected corruptGzip, got \(String(describing: corruptError))")
                return
            }
            #expect(path == "c.gz")
            #expect(!reason.isEmpty)
            #expect(corruptError?.description.hasPrefix("corrupt gzip data in c.gz: ") == true)
        }

        @Test func openInputDecompressesByContentNotByName() throws {
            let gzPath = temporaryPath(".txt")
            let plainPath = temporaryPath(".txt.gz")
            let emptyPath = temporaryPath(".tsv")
            defer {
                for path in [gzPath, plainPath, emptyPath] { try? FileManager.default.removeItem(atPath: path) }
            }
            try Data(deflate(Array(Self.text.utf8))).write(to: URL(fileURLWithPath: gzPath))
            try Data(Self.text.utf8).write(to: URL(fileURLWithPath: plainPath))
            try Data().write(to: URL(fileURLWithPath: emptyPath))

            var gz = try openInput(path: gzPath)
            #expect(try drain(&gz) == Array(Self.text.utf8))
            var plain = try openInput(path: plainPath)
            #expect(try drain(&plain, chunk: 1) == Array(Self.text.utf8))
            var empty = try openInput(path: emptyPath)
            #expect(try drain(&empty) == [])

            var reader = try TSVReader(path: gzPath)
            let result = readAll(&reader)
            #expect(result.error == nil)
            #expect(result.triples.count == 2000)
            #expect(result.triples.last == name("entity1999", "relation4", "entité61969"))
        }

        @Test func missingFileNamesThePathAndTheReason() {
            let path = "/nonexistent/quiver/train.txt"
            let error = #expect(throws: InputError.self) { try FileByteSource(path: path) }
            #expect(error == .cannotOpen(path: path, reason: "No such file or directory"))
            #expect(error?.description == "cannot open /nonexistent/quiver/train.txt: No such file or directory")
            #expect(throws: InputError.cannotOpen(path: path, reason: "No such file or directory")) {
                try openInput(path: path)
            }
        }

        @Test func readingADirectoryIsAReadError() throws {
            var source = try FileByteSource(path: FileManager.default.temporaryDirectory.path)
            let error = #expect(throws: InputError.self) { try drain(&source) }
            #expect(error?.path == FileManager.default.temporaryDirectory.path)
        }
    }
}
