import QuiverCore

/// A run of items of one kind in an output file.
enum Segment {
    case atomic([Int32], type: String?)
    case inferred(InferredItems, type: String?)

    var count: Int {
        switch self {
        case .atomic(let a, _): a.count
        case .inferred(let i, _): i.count
        }
    }

    var type: String? {
        switch self {
        case .atomic(_, let t), .inferred(_, let t): t
        }
    }

    /// The items as runs of `hops` fact indices, item `i` at `edges[i * hops ..< (i + 1) * hops]`:
    /// an atomic fact is a run of one.
    var runs: (edges: [Int32], hops: Int) {
        switch self {
        case .atomic(let facts, _): (facts, 1)
        case .inferred(let items, _): (items.edges, items.hops)
        }
    }
}

/// Writes a composition dataset in Wang et al.'s layout: train.json, valid.json, test.json,
/// vocab.json (their main.py and eval_qa.py read it unchanged), names.json for a stored graph, and
/// optionally train/valid/test.jsonl with names, witness paths and provenance.
public struct DatasetWriter: Sendable {
    public let dataset: CompositionDataset
    /// Write names.json (token → entity or relation name): for graphs whose names are not the tokens.
    public var writeNames: Bool
    /// Also write the .jsonl files with names.
    public var writeJSONL: Bool

    public init(dataset: CompositionDataset, writeNames: Bool = true, writeJSONL: Bool = false) {
        self.dataset = dataset
        self.writeNames = writeNames
        self.writeJSONL = writeJSONL
    }

    static let specialTokens = ["<mask>", "<sep>", "<a>", "</a>", "<q>", "</q>"]

    public var vocabulary: [String] {
        (0..<dataset.graph.entityCount).map { "<e_\($0)>" } + (0..<dataset.graph.relationCount).map { "<r_\($0)>" } + Self.specialTokens
    }

    var trainSegments: [Segment] {
        [.atomic(dataset.idAtomic, type: nil), .atomic(dataset.oodAtomic, type: nil), .inferred(dataset.trainInferred, type: nil)]
    }
    var validSegments: [Segment] { [.inferred(dataset.probeTestOOD, type: nil)] }
    var testSegments: [Segment] {
        [.atomic(dataset.probeIDAtomic, type: "id_atomic"), .atomic(dataset.probeOODAtomic, type: "ood_atomic"),
         .inferred(dataset.probeTrainInferred, type: "train_inferred"), .inferred(dataset.probeTestIID, type: "test_inferred_iid"),
         .inferred(dataset.probeTestOOD, type: "test_inferred_ood")]
    }

    /// Writes every file, like `write(to:)`, while the self-checks run on another thread: they read
    /// the same items from memory, so neither waits for the other.
    public func writeChecked(to directory: String) throws -> SelfChecks {
        try writeChecked(into: OutputDirectory(creating: directory))
    }

    /// `writeChecked(to:)` into a directory already created.
    public func writeChecked(into directory: OutputDirectory) throws -> SelfChecks {
        let dataset = self.dataset
        let checks = alongside { SelfChecks(dataset: dataset) }
        let written = Result { try write(into: directory) }
        let result = checks()
        _ = try written.get()
        return result
    }

    /// Writes every file into `directory` (created if needed); returns the bytes written per file.
    @discardableResult
    public func write(to directory: String) throws -> [String: Int] {
        try write(into: OutputDirectory(creating: directory))
    }

    /// Writes every file into `directory`; returns the bytes written per file.
    @discardableResult
    public func write(into directory: OutputDirectory) throws -> [String: Int] {
        let g = dataset.graph
        var sizes: [String: Int] = [:]
        let files: [(String, [Segment])] = [("train", trainSegments), ("valid", validSegments), ("test", testSegments)]
        let written = try writeJSON(files.map { ($0.0 + ".json", $0.1) }, into: directory)
        for (i, (name, _)) in files.enumerated() { sizes[name + ".json"] = written[i] }
        var vocab: [UInt8] = [0x5B]
        for (i, t) in vocabulary.enumerated() {
            if i > 0 { vocab.put(", ") }
            vocab.put(jsonString: t)
        }
        vocab.append(0x5D)
        try directory.write("vocab.json", vocab)
        sizes["vocab.json"] = vocab.count
        if writeNames {
            var names: [UInt8] = [0x7B]
            for (i, n) in g.entityNames.enumerated() {
                if i > 0 { names.put(", ") }
                names.put(jsonString: "<e_\(i)>"); names.put(": "); names.put(jsonString: n)
            }
            for (i, n) in g.relationNames.enumerated() {
                if i > 0 || !g.entityNames.isEmpty { names.put(", ") }
                names.put(jsonString: "<r_\(i)>"); names.put(": "); names.put(jsonString: n)
            }
            names.append(0x7D)
            try directory.write("names.json", names)
            sizes["names.json"] = names.count
        }
        if writeJSONL {
            for (name, segments) in files {
                sizes[name + ".jsonl"] = try writeJSONL(name + ".jsonl", into: directory, split: name, segments)
            }
        }
        return sizes
    }

    /// train.json, valid.json and test.json together: item sizes are counted first, so every piece
    /// of every file knows its offset; the pieces are then formatted in parallel, each worker into one
    /// reused buffer, and written in place with `pwrite`. Returns the bytes of each file.
    private func writeJSON(_ files: [(name: String, segments: [Segment])], into directory: OutputDirectory) throws -> [Int] {
        let formatter = ItemFormatter(graph: dataset.graph)
        struct Piece { var file: Int; var segment: Segment; var range: Range<Int>; var type: [UInt8] }
        var pieces: [Piece] = []
        for (f, file) in files.enumerated() {
            for (s, range) in self.pieces(of: file.segments) {
                let segment = file.segments[s]
                var type: [UInt8] = []
                if let t = segment.type { type.put(", \"type\": "); type.put(jsonString: t) }
                pieces.append(Piece(file: f, segment: segment, range: range, type: type))
            }
        }
        let sizes = parallelMap(pieces.count) { p in formatter.size(of: pieces[p].segment, pieces[p].range, type: pieces[p].type) }
        // Offsets after each file's "["; the file's last piece leaves out its final ", ".
        var offsets = [Int](repeating: 0, count: pieces.count), ends = [Int](repeating: 1, count: files.count)
        var lastPiece = [Int?](repeating: nil, count: files.count)
        for (p, piece) in pieces.enumerated() {
            offsets[p] = ends[piece.file]
            ends[piece.file] += sizes[p]
            lastPiece[piece.file] = p
        }
        let totals = (0..<files.count).map { lastPiece[$0] == nil ? 2 : ends[$0] - 2 + 1 }
        var sinks: [OutputFile] = []
        do {
            for file in files { sinks.append(try directory.create(file.name)) }
        } catch {
            for sink in sinks { sink.discard() }
            throw error
        }
        var failure: Error?
        do {
            for (f, sink) in sinks.enumerated() {
                try sink.write([0x5B], at: 0)
                try sink.write([0x5D], at: totals[f] - 1)
            }
            let capacity = (sizes.max() ?? 0) + ItemFormatter.slack
            let errors: [Error?] = parallelWorkers(pieces.count) { claim in
                let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
                defer { buffer.deallocate() }
                while let p = claim() {
                    let piece = pieces[p]
                    let written = formatter.format(piece.segment, piece.range, type: piece.type, into: buffer)
                    precondition(written == sizes[p], "item size miscounted")
                    let count = lastPiece[piece.file] == p ? written - 2 : written
                    do { try sinks[piece.file].write(UnsafeRawBufferPointer(start: buffer, count: count), at: offsets[p]) } catch { return error }
                }
                return nil
            }
            if let e = errors.compactMap({ $0 }).first { throw e }
        } catch {
            failure = error
        }
        for sink in sinks {
            if failure != nil { sink.discard(); continue }
            do { try sink.commit() } catch { failure = error }
        }
        if let failure { throw failure }
        return totals
    }

    private func writeJSONL(_ name: String, into directory: OutputDirectory, split: String, _ segments: [Segment]) throws -> Int {
        let g = dataset.graph
        let pieces = pieces(of: segments)
        let buffers: [[UInt8]] = parallelMap(pieces.count) { p in
            let (s, range) = pieces[p]
            var out: [UInt8] = []
            func line(_ facts: [Int], type: String?) {
                out.put("{\"input\": [")
                out.put(jsonString: g.entityNames[Int(g.heads[facts[0]])])
                for f in facts { out.put(", "); out.put(jsonString: g.relationNames[Int(g.relations[f])]) }
                out.put("], \"target\": ")
                out.put(jsonString: g.entityNames[Int(g.tails[facts.last!])])
                out.put(", \"type\": ")
                out.put(jsonString: type ?? (facts.count == 1 ? "atomic" : "inferred"))
                out.put(", \"split\": ")
                out.put(jsonString: split)
                out.put(", \"witness\": [")
                for (i, f) in facts.enumerated() {
                    if i > 0 { out.put(", ") }
                    out.append(0x5B)
                    out.put(jsonString: g.entityNames[Int(g.heads[f])]); out.put(", ")
                    out.put(jsonString: g.relationNames[Int(g.relations[f])]); out.put(", ")
                    out.put(jsonString: g.entityNames[Int(g.tails[f])])
                    out.append(0x5D)
                }
                out.put("], \"hop_split\": [")
                for (i, f) in facts.enumerated() {
                    if i > 0 { out.put(", ") }
                    out.put(dataset.ood[f] ? "\"ood\"" : "\"id\"")
                }
                out.put("], \"provenance\": [")
                for (i, f) in facts.enumerated() {
                    if i > 0 { out.put(", ") }
                    out.put(jsonString: g.provenance[f].description)
                }
                out.put("]}\n")
            }
            switch segments[s] {
            case .atomic(let facts, let type):
                for i in range { line([Int(facts[i])], type: type) }
            case .inferred(let items, let type):
                for i in range { line(items[i].map { Int($0) }, type: type) }
            }
            return out
        }
        let sink = try directory.create(name)
        var total = 0
        do {
            for b in buffers { try sink.append(b); total += b.count }
        } catch {
            sink.discard()
            throw error
        }
        try sink.commit()
        return total
    }

    private func pieces(of segments: [Segment]) -> [(Int, Range<Int>)] {
        var out: [(Int, Range<Int>)] = []
        for (s, seg) in segments.enumerated() where seg.count > 0 {
            for r in chunks(seg.count, parts: max(1, seg.count / 20_000)) { out.append((s, r)) }
        }
        return out
    }
}
