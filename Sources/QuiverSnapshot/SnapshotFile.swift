import Foundation
import QuiverCore
import QuiverGraph

/// A graph's base snapshot on disk, so that a process opens it in milliseconds instead of
/// rebuilding it from PostgreSQL: its arrays as they are in memory, memory-mapped on open.
///
/// Layout (little-endian): a header (magic, format version, checksum, file length, change
/// sequence, the graph's id and name, the database's identity), a table of sections (offset,
/// bytes, count), then each section 64-byte aligned: term ids, adjacency, labels, and the terms
/// encoded as `TermTable.encode` does. The checksum covers every byte after itself; a file that
/// is truncated, altered, of another format version, another database or another graph is refused.
///
/// Written atomically: a temporary file in the same directory, flushed to disk, then renamed over
/// the old one (and the directory flushed), so that a crash leaves the old file or the new, never
/// half of one.
public enum SnapshotFile {
    public static let formatVersion: UInt32 = 1
    static let magic: [UInt8] = Array("QVSNAP\r\n".utf8)
    static let alignment = 64

    /// What a file must match to be used.
    public struct Identity: Sendable, Equatable {
        /// The database's identity (`Store.databaseIdentity`).
        public var database: String
        public var graphID: Int32
        public var graph: String

        public init(database: String, graphID: Int32, graph: String) {
            self.database = database
            self.graphID = graphID
            self.graph = graph
        }
    }

    public enum Problem: Error, CustomStringConvertible, Sendable, Equatable {
        case missing
        case unreadable(String)
        case truncated
        case notASnapshot
        case otherVersion(UInt32)
        case foreign
        case corrupt

        public var description: String {
            switch self {
            case .missing: "no snapshot file"
            case .unreadable(let why): "the snapshot file cannot be read: \(why)"
            case .truncated: "the snapshot file is truncated"
            case .notASnapshot: "the file is not a Quiver snapshot"
            case .otherVersion(let v): "the snapshot file has format \(v), not \(formatVersion)"
            case .foreign: "the snapshot file is of another database or graph"
            case .corrupt: "the snapshot file's checksum does not match"
            }
        }
    }

    /// The file name for a graph in a directory: by graph id and a hash of the database identity
    /// and name, so that two databases sharing a cache directory do not take each other's files.
    public static func path(in directory: String, for identity: Identity) -> String {
        var h = Hasher64()
        h.add(bytes: Array(identity.database.utf8))
        h.add(bytes: [0])
        h.add(bytes: Array(identity.graph.utf8))
        return directory + "/g\(identity.graphID)-\(String(h.value, radix: 16)).qsnap"
    }

    // MARK: Writing

    /// Writes `snapshot` (a base: its delta must be empty) for `identity` to `path`, atomically.
    public static func write(_ snapshot: CSRSnapshot, identity: Identity, to path: String) throws {
        precondition(snapshot.delta.isEmpty, "a snapshot file holds a base")
        let nodeTerms = snapshot.nodeTerms.encoded(), relationTerms = snapshot.relationTerms.encoded()
        let columns: [(Column<UInt8>, Column<Int>)] = [
            (Column(nodeTerms.bytes), Column(nodeTerms.offsets)), (Column(relationTerms.bytes), Column(relationTerms.offsets)),
        ]
        // The sections are raw views of these columns: they must live until the last byte is written.
        try withExtendedLifetime((snapshot, columns)) { try write(snapshot, columns, identity: identity, to: path) }
    }

    private static func write(_ snapshot: CSRSnapshot, _ columns: [(Column<UInt8>, Column<Int>)], identity: Identity, to path: String) throws {
        var sections: [UnsafeRawBufferPointer] = []
        var counts: [Int] = []
        // The sections in a fixed order; `read` takes them back in the same.
        func add<T>(_ c: Column<T>) { sections.append(UnsafeRawBufferPointer(c.buffer)); counts.append(c.count) }
        add(snapshot.nodeTermIDs); add(snapshot.relationTermIDs)
        add(snapshot.outOffsets); add(snapshot.outTargets); add(snapshot.outRelations)
        add(snapshot.provenance); add(snapshot.split)
        add(snapshot.inOffsets); add(snapshot.inSources); add(snapshot.inRelations); add(snapshot.inEdges)
        for (bytes, offsets) in columns { add(bytes); add(offsets) }

        var header = Bytes()
        header.append(magic)
        header.u32(formatVersion)
        header.u32(0)  // header length, set below
        header.u64(0)  // checksum, set below
        header.u64(0)  // file length, set below
        header.i64(snapshot.changeSeq)
        header.i32(identity.graphID)
        header.string(identity.database)
        header.string(identity.graph)
        header.u32(UInt32(sections.count))
        let tableAt = header.bytes.count
        for _ in sections { header.u64(0); header.u64(0); header.u64(0) }
        header.pad(to: alignment)
        var offset = header.bytes.count
        for (k, s) in sections.enumerated() {
            header.set(u64: UInt64(offset), at: tableAt + k * 24)
            header.set(u64: UInt64(s.count), at: tableAt + k * 24 + 8)
            header.set(u64: UInt64(counts[k]), at: tableAt + k * 24 + 16)
            offset += (s.count + alignment - 1) / alignment * alignment
        }
        let length = offset
        header.set(u32: UInt32(header.bytes.count), at: 12)
        header.set(u64: UInt64(length), at: 24)
        let zeros = [UInt8](repeating: 0, count: alignment)

        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        removeAbandonedTemporaries(of: path)
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw Problem.unreadable("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(temporary) }
        }
        func put(_ raw: UnsafeRawBufferPointer) throws {
            var done = 0
            while done < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 { if errno == EINTR { continue }; throw Problem.unreadable("writing \(temporary): \(String(cString: strerror(errno)))") }
                done += n
            }
        }
        try header.bytes.withUnsafeBytes { try put($0) }
        for s in sections where s.count > 0 {
            try put(s)
            let pad = (alignment - s.count % alignment) % alignment
            try zeros.withUnsafeBytes { try put(UnsafeRawBufferPointer(rebasing: $0[0..<pad])) }
        }
        // The checksum of every byte from offset 24 on, read back from the file written (the
        // same function `read` checks with), into its place in the header.
        let written = try MappedFile(temporary)
        var sum = checksum(UnsafeRawBufferPointer(start: written.base, count: written.length)).littleEndian
        guard pwrite(fd, &sum, 8, 16) == 8 else { throw Problem.unreadable("writing \(temporary): \(String(cString: strerror(errno)))") }
        guard fsync(fd) == 0 else { throw Problem.unreadable("flushing \(temporary): \(String(cString: strerror(errno)))") }
        guard rename(temporary, path) == 0 else { throw Problem.unreadable("renaming \(temporary): \(String(cString: strerror(errno)))") }
        ok = true
        let dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 { _ = fsync(dir); close(dir) }
    }

    /// The checksum of a file's bytes from offset 24 on: blocks of 8 MiB hashed on all cores, their
    /// hashes hashed in order (a file of 190 MB is checked in a few milliseconds per core).
    static func checksum(_ file: UnsafeRawBufferPointer) -> UInt64 {
        let start = 24, block = 8 << 20
        guard file.count > start else { return 0 }
        let blocks = (file.count - start + block - 1) / block
        // Each block writes only its own slot of `sums`; the file's memory is only read.
        nonisolated(unsafe) let sums = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: blocks)
        nonisolated(unsafe) let file = file
        defer { sums.deallocate() }
        DispatchQueue.concurrentPerform(iterations: blocks) { k in
            let lo = start + k * block, hi = min(file.count, lo + block)
            var h = Hasher64()
            h.add(bytes: [UInt8(truncatingIfNeeded: k), UInt8(truncatingIfNeeded: k >> 8), UInt8(truncatingIfNeeded: k >> 16)])
            h.add(UnsafeRawBufferPointer(rebasing: file[lo..<hi]))
            sums[k] = h.value
        }
        var all = Hasher64()
        all.add(UnsafeRawBufferPointer(sums))
        return all.value
    }

    /// Removes `path`'s temporary files whose writer is gone (killed while writing): their name
    /// carries the writer's process id.
    static func removeAbandonedTemporaries(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent, prefix = (path as NSString).lastPathComponent + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count).split(separator: "-").first ?? "") else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(directory + "/" + name) }
        }
    }

    // MARK: Reading

    /// Opens and checks the file at `path`: a base snapshot whose arrays live in the mapped file.
    public static func read(_ path: String, expecting identity: Identity) throws(Problem) -> CSRSnapshot {
        let file = try MappedFile(path)
        let bytes = UnsafeRawBufferPointer(start: file.base, count: file.length)
        guard file.length >= 64 else { throw .truncated }
        guard Array(bytes[0..<8]) == magic else { throw .notASnapshot }
        var r = Reader(bytes: bytes, at: 8)
        let version = try r.u32()
        guard version == formatVersion else { throw .otherVersion(version) }
        let headerLength = Int(try r.u32())
        let checksum = try r.u64()
        let length = Int(try r.u64())
        guard length == file.length, headerLength <= length else { throw .truncated }
        let changeSeq = try r.i64()
        let graphID = try r.i32()
        let database = try r.string(), graph = try r.string()
        guard Identity(database: database, graphID: graphID, graph: graph) == identity else { throw .foreign }
        guard Self.checksum(bytes) == checksum else { throw .corrupt }
        let sectionCount = Int(try r.u32())
        guard sectionCount == 15 else { throw .notASnapshot }
        var table: [(offset: Int, bytes: Int, count: Int)] = []
        for _ in 0..<sectionCount {
            let o = Int(try r.u64()), b = Int(try r.u64()), c = Int(try r.u64())
            guard o % alignment == 0, o >= headerLength, o + b <= length else { throw .truncated }
            table.append((o, b, c))
        }
        var k = 0
        func next<T: BitwiseCopyable>(_: T.Type) throws(Problem) -> Column<T> {
            let s = table[k]
            k += 1
            guard s.bytes == s.count * MemoryLayout<T>.stride else { throw .corrupt }
            return Column(owner: file, buffer: UnsafeBufferPointer(start: (file.base + s.offset).assumingMemoryBound(to: T.self), count: s.count))
        }
        let nodeIDs = try next(Int64.self), relationIDs = try next(Int64.self)
        let outOffsets = try next(Int.self), outTargets = try next(Int32.self), outRelations = try next(Int32.self)
        let provenance = try next(UInt8.self), split = try next(Int8.self)
        let inOffsets = try next(Int.self), inSources = try next(Int32.self), inRelations = try next(Int32.self), inEdges = try next(Int32.self)
        let nodeTermBytes = try next(UInt8.self), nodeTermOffsets = try next(Int.self)
        let relationTermBytes = try next(UInt8.self), relationTermOffsets = try next(Int.self)
        // The shape every reader relies on (the checksum says the file is as written; this says
        // what was written is a snapshot).
        let n = nodeIDs.count, m = outTargets.count
        guard outOffsets.count == n + 1, inOffsets.count == n + 1, outOffsets.first == 0, outOffsets.last == m,
              inOffsets.first == 0, inOffsets.last == m, outRelations.count == m, provenance.count == m, split.count == m,
              inSources.count == m, inRelations.count == m, inEdges.count == m,
              nodeTermOffsets.count == n + 1, relationTermOffsets.count == relationIDs.count + 1,
              nodeTermOffsets.last == nodeTermBytes.count, relationTermOffsets.last == relationTermBytes.count
        else { throw .corrupt }
        return CSRSnapshot(
            graph: identity.graph, changeSeq: changeSeq,
            nodeTerms: TermTable(bytes: nodeTermBytes, offsets: nodeTermOffsets),
            relationTerms: TermTable(bytes: relationTermBytes, offsets: relationTermOffsets),
            nodeTermIDs: nodeIDs, relationTermIDs: relationIDs, outOffsets: outOffsets, outTargets: outTargets,
            outRelations: outRelations, provenance: provenance, split: split, inOffsets: inOffsets, inSources: inSources,
            inRelations: inRelations, inEdges: inEdges)
    }
}

/// A file mapped read-only into memory, unmapped when the last column using it goes.
final class MappedFile: @unchecked Sendable {
    // @unchecked: the mapping is read-only (PROT_READ, MAP_PRIVATE) and never changes.
    let base: UnsafeMutableRawPointer
    let length: Int

    init(_ path: String) throws(SnapshotFile.Problem) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw errno == ENOENT ? .missing : .unreadable(String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { throw .unreadable("not a regular file") }
        length = Int(st.st_size)
        guard length > 0 else { throw .truncated }
        // Populated at once: the checksum reads every page anyway, and one call faults them in
        // far faster than a page fault each.
        guard let p = mmap(nil, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), p != MAP_FAILED else {
            throw .unreadable(String(cString: strerror(errno)))
        }
        base = p
    }

    deinit { munmap(base, length) }
}

/// A 64-bit hash of bytes, fast enough to check a snapshot file on every open: four lanes of
/// multiply-rotate over 8-byte words (a word's lane is its position mod 4, across calls),
/// folded at the end. Not cryptographic: it catches truncation, bit flips and torn writes.
struct Hasher64 {
    private var lanes: (UInt64, UInt64, UInt64, UInt64) = (0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F, 0x1656_67B1_9E37_79F9, 0x85EB_CA77_C2B2_AE63)
    private var words = 0
    private var tail: [UInt8] = []
    private var total = 0

    @inline(__always) private static func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
        let x = (h ^ w) &* 0x9FB2_1C65_1E98_DF25
        return (x << 29) | (x >> 35)
    }

    mutating func add(bytes: [UInt8]) { bytes.withUnsafeBytes { add($0) } }

    mutating func add(_ raw: UnsafeRawBufferPointer) {
        total += raw.count
        var start = 0
        if !tail.isEmpty {
            while tail.count < 8 && start < raw.count { tail.append(raw[start]); start += 1 }
            guard tail.count == 8 else { return }
            let w = tail.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            word(w)
            tail = []
        }
        let count = (raw.count - start) / 8
        if count > 0, let base = raw.baseAddress {
            var i = 0
            // Whole groups of four words, one per lane, when the lanes line up.
            while i < count && words & 3 != 0 { word((base + start + 8 * i).loadUnaligned(as: UInt64.self)); i += 1 }
            var (a, b, c, d) = lanes
            while i + 4 <= count {
                let p = base + start + 8 * i
                a = Self.mix(a, p.loadUnaligned(as: UInt64.self))
                b = Self.mix(b, p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                c = Self.mix(c, p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
                d = Self.mix(d, p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
                i += 4
                words += 4
            }
            lanes = (a, b, c, d)
            while i < count { word((base + start + 8 * i).loadUnaligned(as: UInt64.self)); i += 1 }
        }
        for k in (start + 8 * count)..<raw.count { tail.append(raw[k]) }
    }

    private mutating func word(_ w: UInt64) {
        switch words & 3 {
        case 0: lanes.0 = Self.mix(lanes.0, w)
        case 1: lanes.1 = Self.mix(lanes.1, w)
        case 2: lanes.2 = Self.mix(lanes.2, w)
        default: lanes.3 = Self.mix(lanes.3, w)
        }
        words += 1
    }

    var value: UInt64 {
        var last: UInt64 = 0
        for (k, b) in tail.enumerated() { last |= UInt64(b) << (8 * UInt64(k)) }
        var h = UInt64(total) &* 0x9E37_79B9_7F4A_7C15
        for lane in [lanes.0, lanes.1, lanes.2, lanes.3, last] {
            h = (h ^ lane) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
        }
        return h
    }
}

/// Little-endian header bytes being written.
private struct Bytes {
    var bytes: [UInt8] = []
    mutating func append(_ b: [UInt8]) { bytes += b }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func string(_ s: String) { u32(UInt32(s.utf8.count)); bytes += s.utf8 }
    mutating func pad(to alignment: Int) { while bytes.count % alignment != 0 { bytes.append(0) } }
    mutating func set(u32 v: UInt32, at i: Int) { withUnsafeBytes(of: v.littleEndian) { for k in 0..<4 { bytes[i + k] = $0[k] } } }
    mutating func set(u64 v: UInt64, at i: Int) { withUnsafeBytes(of: v.littleEndian) { for k in 0..<8 { bytes[i + k] = $0[k] } } }
}

/// Little-endian header bytes being read, every read bounds-checked.
private struct Reader {
    let bytes: UnsafeRawBufferPointer
    var at: Int

    mutating func take(_ n: Int) throws(SnapshotFile.Problem) -> UnsafeRawBufferPointer {
        guard n >= 0, at + n <= bytes.count else { throw .truncated }
        defer { at += n }
        return UnsafeRawBufferPointer(rebasing: bytes[at..<(at + n)])
    }
    mutating func u32() throws(SnapshotFile.Problem) -> UInt32 { UInt32(littleEndian: try take(4).loadUnaligned(as: UInt32.self)) }
    mutating func i32() throws(SnapshotFile.Problem) -> Int32 { Int32(bitPattern: try u32()) }
    mutating func u64() throws(SnapshotFile.Problem) -> UInt64 { UInt64(littleEndian: try take(8).loadUnaligned(as: UInt64.self)) }
    mutating func i64() throws(SnapshotFile.Problem) -> Int64 { Int64(bitPattern: try u64()) }
    mutating func string() throws(SnapshotFile.Problem) -> String {
        let n = Int(try u32())
        guard n <= 1 << 20 else { throw .corrupt }
        return String(decoding: try take(n), as: UTF8.self)
    }
}
