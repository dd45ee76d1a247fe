import Foundation
import QuiverCore
import QuiverParsers
import QuiverPostgres

/// The state of one load while it streams: term ids, the triples seen so far (to skip duplicates
/// inside the load) and the binary COPY encoders.
struct LoadSession {
    let graphID: Int32
    let options: LoadOptions
    /// Past this, the load stops at its next batch (`LoadOptions.timeout`).
    let deadline: ContinuousClock.Instant?
    /// Blank node labels are scoped per load and file: `_:b` in two files are two nodes.
    let blankScope: String

    private(set) var triplesRead = 0
    private(set) var rowsWritten = 0
    private var terms = TermTable()
    private var seen = TripleSet()
    private var tripleEncoder = PGBinaryCopyEncoder()
    private var termEncoder = PGBinaryCopyEncoder()
    /// The new terms' COPY rows wait here (memory, then a temporary file) until the triples' COPY ends.
    private let termRows = SpillBuffer()
    private(set) var newTermCount = 0
    /// Set once the in-memory sets were full and rows went out unchecked: PostgreSQL then removes
    /// the repeats (and the counts come from it).
    private(set) var triplesSpilled = false
    private(set) var termsSpilled = false
    private var currentFile = ""
    private var fileIndex = 0
    private var fileCount = 0
    private var bytesRead = 0
    private var totalBytes: Int?

    init(graphID: Int32, options: LoadOptions, deadline: ContinuousClock.Instant? = nil) {
        self.graphID = graphID
        self.options = options
        self.deadline = deadline
        self.blankScope = "q" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }

    func progress(phase: LoadProgress.Phase) -> LoadProgress {
        LoadProgress(file: currentFile, fileIndex: fileIndex, fileCount: fileCount, bytesRead: bytesRead,
                     totalBytes: totalBytes, triplesRead: triplesRead, phase: phase)
    }

    /// An input's format (named, or told by its name), its bytes (gunzipped, counted into
    /// `counter`) and the base for its relative IRIs.
    static func open(_ input: LoadInput, options: LoadOptions, counter: ByteCounter) throws -> (InputFormat, AnyByteSource, String?, Int?) {
        switch input {
        case .file(let path):
            guard let f = options.format ?? InputFormat.detect(fileName: path) else {
                throw StoreError.input("cannot tell the format of '\(path)' from its name; pass \(option: "format") nt|nq|ttl|trig|rdfxml|tsv|csv|jsonl|2wiki")
            }
            let opened = try openCountedInput(path: path, counter: counter)
            return (f, opened.source, options.baseIRI ?? (path == "-" ? nil : fileIRI(path)), opened.size)
        case .opened(let file):
            guard let f = options.format ?? InputFormat.detect(fileName: file.path) else {
                throw StoreError.input("cannot tell the format of '\(file.path)' from its name; name one (nt, nq, ttl, trig, rdfxml, tsv, csv, jsonl, 2wiki)")
            }
            return (f, try countedInput(FileByteSource(file), name: file.path, counter: counter), options.baseIRI ?? fileIRI(file.path), file.size)
        case .bytes(let name, let bytes):
            guard let f = options.format ?? InputFormat.detect(fileName: name) else {
                throw StoreError.input("the format of '\(name)' is unknown; name one (nt, nq, ttl, trig, rdfxml, tsv, csv, jsonl, 2wiki)")
            }
            return (f, AnyByteSource(CountingByteSource(base: MemoryByteSource(bytes), counter: counter)), options.baseIRI, bytes.count)
        }
    }

    /// Parses one input and streams its new triples to `writer`.
    mutating func read(
        _ input: LoadInput, index: Int, count: Int, writer: BackgroundCopyWriter, progress: ((LoadProgress) -> Void)?
    ) throws {
        currentFile = input.displayName
        fileIndex = index
        fileCount = count
        let counter = ByteCounter()
        let (format, source, base, size) = try Self.open(input, options: options, counter: counter)
        totalBytes = size
        let reader = (source: source, base: base)
        if format == .tsv {
            // Fast path: plain names straight from the input bytes, no String per field.
            var tsv = TSVReader(source: reader.source, fileName: input.displayName)
            while true {
                let n = try tsv.readRawBatch(maxCount: options.batchSize) { h, r, t in
                    let s = try registerName(h), p = try registerName(r), o = try registerName(t)
                    emit(s, p, o)
                }
                if n == 0 { break }
                try afterBatch(count: n, counter: counter, writer: writer, progress: progress)
            }
        } else {
            var parser = makeTripleReader(format: format, source: reader.source, fileName: input.displayName, baseIRI: reader.base)
            let scope = "\(blankScope)f\(index)_"
            var batch: [Triple] = []
            batch.reserveCapacity(options.batchSize)
            while try parser.readBatch(into: &batch, maxCount: options.batchSize) {
                for t in batch {
                    let s = try register(scoped(t.subject, scope))
                    let p = try register(scoped(t.predicate, scope))
                    let o = try register(scoped(t.object, scope))
                    emit(s, p, o)
                }
                try afterBatch(count: batch.count, counter: counter, writer: writer, progress: progress)
                batch.removeAll(keepingCapacity: true)
            }
        }
        bytesRead = counter.count
    }

    private mutating func afterBatch(
        count: Int, counter: ByteCounter, writer: BackgroundCopyWriter, progress: ((LoadProgress) -> Void)?
    ) throws {
        triplesRead += count
        try options.checkContinue(deadline: deadline)
        if tripleEncoder.bytes.count >= 1 << 20 {
            try writer.push(tripleEncoder.takeBytes())
        }
        if termEncoder.bytes.count >= 1 << 20 {
            try termRows.append(termEncoder.takeBytes())
        }
        bytesRead = counter.count
        progress?(self.progress(phase: .reading))
    }

    /// A registered term: its id, and its dense index within this load.
    struct Registered {
        var id: Int64
        var index: Int32
    }

    @inline(__always)
    private mutating func emit(_ s: Registered, _ p: Registered, _ o: Registered) {
        if s.index < 0 || p.index < 0 || o.index < 0 {
            // A term past the in-memory limit: the triple cannot be checked here.
            triplesSpilled = true
        } else if seen.count < options.inMemoryTriples {
            guard seen.insert(s.index, p.index, o.index) else { return }
        } else {
            if seen.contains(s.index, p.index, o.index) { return }
            triplesSpilled = true
        }
        tripleEncoder.beginRow(fieldCount: 6)
        tripleEncoder.appendInt32(graphID)
        tripleEncoder.appendInt64(s.id)
        tripleEncoder.appendInt64(p.id)
        tripleEncoder.appendInt64(o.id)
        tripleEncoder.appendInt16(options.provenance.rawValue)
        if let split = options.split { tripleEncoder.appendInt16(split.rawValue) } else { tripleEncoder.appendNull() }
        rowsWritten += 1
    }

    /// Registers a term in the table, or only looks it up once the table is full.
    @inline(__always)
    private mutating func track(id: Int64, kind: UInt8, rest: UnsafeRawBufferPointer) -> TermTable.Outcome {
        if terms.count < options.inMemoryTerms { return terms.register(id: id, kind: kind, rest: rest) }
        let found = terms.lookup(id: id, kind: kind, rest: rest)
        if case .new = found { termsSpilled = true }
        return found
    }

    /// The id of a plain name given by its UTF-8 bytes; a new one is queued for the dictionary.
    @inline(__always)
    private mutating func registerName(_ bytes: UnsafeRawBufferPointer) throws -> Registered {
        var h = TermHasher()
        h.combine(byte: UInt8(TermKind.name.rawValue))
        h.combine(bytes: bytes)
        let id = Int64(bitPattern: h.finalize())
        switch track(id: id, kind: UInt8(TermKind.name.rawValue), rest: bytes) {
        case .known(let index):
            return Registered(id: id, index: index)
        case .collision(let existing):
            throw StoreError.termIDCollision(
                TermID(rawValue: id), Term(canonical: existing) ?? .name("?"), .name(String(decoding: bytes, as: UTF8.self)))
        case .new(let index):
            newTermCount += 1
            termEncoder.beginRow(fieldCount: 6)
            termEncoder.appendInt32(graphID)
            termEncoder.appendInt64(id)
            termEncoder.appendInt16(TermKind.name.rawValue)
            termEncoder.appendBytes(bytes)
            termEncoder.appendNull()
            termEncoder.appendNull()
            return Registered(id: id, index: index)
        }
    }

    @inline(__always)
    private func scoped(_ term: Term, _ scope: String) -> Term {
        if case .blank(let label) = term { return .blank(scope + label) }
        return term
    }

    /// The term's id; a term seen for the first time in this load is queued for the dictionary.
    private mutating func register(_ term: Term) throws -> Registered {
        let (id, outcome) = term.withCanonicalBytes { bytes -> (Int64, TermTable.Outcome) in
            let id = TermID(hashingCanonical: bytes).rawValue
            return (id, track(id: id, kind: bytes[0], rest: UnsafeRawBufferPointer(rebasing: bytes[1...])))
        }
        switch outcome {
        case .known(let index):
            return Registered(id: id, index: index)
        case .collision(let existing):
            throw StoreError.termIDCollision(TermID(rawValue: id), Term(canonical: existing) ?? .name("?"), term)
        case .new(let index):
            newTermCount += 1
            termEncoder.beginRow(fieldCount: 6)
            termEncoder.appendInt32(graphID)
            termEncoder.appendInt64(id)
            termEncoder.appendInt16(term.kind.rawValue)
            termEncoder.appendText(term.value)
            if let dt = term.datatype { termEncoder.appendText(dt) } else { termEncoder.appendNull() }
            if let lang = term.language { termEncoder.appendText(lang) } else { termEncoder.appendNull() }
            return Registered(id: id, index: index)
        }
    }

    mutating func finishTriples(writer: BackgroundCopyWriter) throws {
        tripleEncoder.finish()
        try writer.push(tripleEncoder.takeBytes())
        seen = TripleSet(capacity: 16)
    }

    mutating func finishTerms(writer: PGCopyWriter) throws {
        termEncoder.finish()
        try termRows.append(termEncoder.takeBytes())
        try termRows.drain { try writer.write($0) }
        terms = TermTable(capacity: 16)
    }
}

/// A `file://` IRI for a path, the default base of relative IRIs in Turtle.
func fileIRI(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.absoluteString
}

/// Counts the bytes that pass through (compressed bytes, for gzip inputs) for the progress bar.
final class ByteCounter: @unchecked Sendable {
    // @unchecked: advanced by the thread that reads the input and read by the progress callback,
    // which that same thread calls.
    var count = 0
}

struct CountingByteSource<Base: ByteSource>: ByteSource {
    var base: Base
    let counter: ByteCounter
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try base.read(into: buffer)
        counter.count += n
        return n
    }
}

/// Opens a path (`-` = stdin) with a byte counter under any gzip decompression.
func openCountedInput(path: String, counter: ByteCounter) throws -> (source: AnyByteSource, size: Int?) {
    do {
        if path == "-" {
            return (AnyByteSource(CountingByteSource(base: StandardInputSource(), counter: counter)), nil)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        return (try countedInput(try FileByteSource(path: path), name: path, counter: counter), size)
    } catch let e as StoreError {
        throw e
    } catch {
        throw StoreError.input(wrapping: error)
    }
}

/// `raw` with a byte counter under any gzip decompression (detected by the magic bytes `1f 8b`).
func countedInput<S: ByteSource>(_ raw: S, name: String, counter: ByteCounter) throws -> AnyByteSource {
    do {
        var raw = CountingByteSource(base: raw, counter: counter)
        // Peek at the first two bytes for the gzip magic, then replay them.
        var head = [UInt8](repeating: 0, count: 2)
        var got = 0
        while got < 2 {
            let n = try head.withUnsafeMutableBytes { buf in
                try raw.read(into: UnsafeMutableRawBufferPointer(rebasing: buf[got...]))
            }
            if n == 0 { break }
            got += n
        }
        let replay = PrefixedByteSource(prefix: Array(head[0..<got]), base: raw)
        if got == 2 && head[0] == 0x1f && head[1] == 0x8b {
            return AnyByteSource(GzipByteSource(replay, name: name))
        }
        return AnyByteSource(replay)
    } catch let e as StoreError {
        throw e
    } catch {
        throw StoreError.input(wrapping: error)
    }
}

/// Replays a few already-read bytes before the rest of a source.
struct PrefixedByteSource<Base: ByteSource>: ByteSource {
    var prefix: [UInt8]
    var base: Base
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if !prefix.isEmpty {
            let n = min(prefix.count, buffer.count)
            for i in 0..<n { buffer[i] = prefix[i] }
            prefix.removeFirst(n)
            return n
        }
        return try base.read(into: buffer)
    }
}
