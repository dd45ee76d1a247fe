import Foundation
import QuiverCore
import QuiverParsers
import Testing

/// `RegularFile` opens only regular files inside its directory, never through a link.
@Suite struct RegularFileTests {
    /// A directory with `sub/data.tsv`, a FIFO, a link out and a link in; removed by the caller.
    private static func fixture() throws -> (root: String, dir: String) {
        let root = NSTemporaryDirectory() + "quiver-regular-\(UInt32.random(in: 0...UInt32.max))"
        let dir = root + "/import"
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        try "a\tr\tb\n".write(toFile: dir + "/sub/data.tsv", atomically: true, encoding: .utf8)
        try "secret\n".write(toFile: root + "/secret.tsv", atomically: true, encoding: .utf8)
        #expect(mkfifo(dir + "/pipe.tsv", 0o644) == 0)
        #expect(symlink(root + "/secret.tsv", dir + "/out.tsv") == 0)
        #expect(symlink("sub/data.tsv", dir + "/in.tsv") == 0)
        #expect(symlink(root, dir + "/up") == 0)
        return (root, dir)
    }

    private func contents(_ file: RegularFile) throws -> String {
        var source = FileByteSource(file)
        var bytes = [UInt8](repeating: 0, count: 4096)
        let n = try bytes.withUnsafeMutableBytes { try source.read(into: $0) }
        return String(decoding: bytes[..<n], as: UTF8.self)
    }

    @Test func readsARegularFileThroughItsDescriptor() throws {
        let (root, dir) = try Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let file = try RegularFile(opening: "sub//./data.tsv", inside: dir)
        #expect(file.path == dir + "/sub/data.tsv")
        #expect(file.size == 6)
        // The name is not opened again: a file swapped in after the open is not what is read.
        try "x\ty\tz\n".write(toFile: dir + "/sub/data.tsv", atomically: true, encoding: .utf8)
        #expect(try contents(file) == "a\tr\tb\n")
    }

    @Test func refusesFIFOsLinksAndParents() throws {
        let (root, dir) = try Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let started = Date()
        #expect(throws: InputError.notRegularFile(path: dir + "/pipe.tsv", kind: "a FIFO")) { try RegularFile(opening: "pipe.tsv", inside: dir) }
        #expect(Date().timeIntervalSince(started) < 1)
        #expect(throws: InputError.notRegularFile(path: dir + "/sub", kind: "a directory")) { try RegularFile(opening: "sub", inside: dir) }
        #expect(throws: InputError.throughLink(path: dir + "/out.tsv", link: "out.tsv")) { try RegularFile(opening: "out.tsv", inside: dir) }
        #expect(throws: InputError.throughLink(path: dir + "/in.tsv", link: "in.tsv")) { try RegularFile(opening: "in.tsv", inside: dir) }
        #expect(throws: InputError.throughLink(path: dir + "/up/secret.tsv", link: "up")) { try RegularFile(opening: "up/secret.tsv", inside: dir) }
        #expect(throws: InputError.outsideDirectory(path: "../secret.tsv", directory: dir)) { try RegularFile(opening: "../secret.tsv", inside: dir) }
        #expect(throws: InputError.self) { try RegularFile(opening: "missing.tsv", inside: dir) }
        let error = #expect(throws: InputError.self) { try RegularFile(opening: "pipe.tsv", inside: dir) }
        #expect(error?.description.contains("not a regular file") == true)
    }
}
