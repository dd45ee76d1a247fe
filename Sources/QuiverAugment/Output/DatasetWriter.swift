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

    /// Writes every file into `directory` (created if needed); returns the bytes written per file.
    @discardableResult
    public func write(to directory: String) throws -> [String: Int] {
        try makeDirectory(directory)
        let g = dataset.graph
        let entityTokens = TokenTable(prefix: "<e_", count: g.entityCount)
        let relationTokens = TokenTable(prefix: "<r_", count: g.relationCount)
        var sizes: [String: Int] = [:]
        let files: [(String, [Segment])] = [("train", trainSegments), ("valid", validSegments), ("test", testSegments)]
        for (name, segments) in files {
            sizes[name + ".json"] = try writeJSON(directory + "/" + name + ".json", segments, entityTokens, relationTokens)
        }
        var vocab: [UInt8] = [0x5B]
        for (i, t) in vocabulary.enumerated() {
            if i > 0 { vocab.put(", ") }
            vocab.put(jsonString: t)
        }
        vocab.append(0x5D)
        try writeFile(directory + "/vocab.json", vocab)
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
            try writeFile(directory + "/names.json", names)
            sizes["names.json"] = names.count
        }
        if writeJSONL {
            for (name, segments) in files {
                sizes[name + ".jsonl"] = try writeJSONL(directory + "/" + name + ".jsonl", split: name, segments)
            }
        }
        return sizes
    }

    private func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let sink = try FileSink(path: path)
        try sink.write(bytes)
        try sink.close()
    }

    /// Items are formatted in parallel chunks and written in order.
    private func writeJSON(_ path: String, _ segments: [Segment], _ ent: TokenTable, _ rel: TokenTable) throws -> Int {
        let g = dataset.graph
        let pieces = pieces(of: segments)
        let buffers: [[UInt8]] = parallelMap(pieces.count) { p in
            let (s, range) = pieces[p]
            var out: [UInt8] = []
            out.reserveCapacity(range.count * 80)
            let heads = g.heads, relations = g.relations, tails = g.tails
            var input: [UInt8] = []
            func item(tail: Int32, type: String?) {
                out.put("{\"input_text\": \"")
                out.append(contentsOf: input)
                out.put("\", \"target_text\": \"")
                out.append(contentsOf: input)
                ent.append(Int(tail), to: &out)
                out.put("</a>\"")
                if let type { out.put(", \"type\": "); out.put(jsonString: type) }
                out.put("}, ")
            }
            switch segments[s] {
            case .atomic(let facts, let type):
                for i in range {
                    let f = Int(facts[i])
                    input.removeAll(keepingCapacity: true)
                    ent.append(Int(heads[f]), to: &input)
                    rel.append(Int(relations[f]), to: &input)
                    item(tail: tails[f], type: type)
                }
            case .inferred(let items, let type):
                let k = items.hops
                items.edges.withUnsafeBufferPointer { edges in
                    for i in range {
                        input.removeAll(keepingCapacity: true)
                        ent.append(Int(heads[Int(edges[i * k])]), to: &input)
                        for d in 0..<k { rel.append(Int(relations[Int(edges[i * k + d])]), to: &input) }
                        item(tail: tails[Int(edges[i * k + k - 1])], type: type)
                    }
                }
            }
            return out
        }
        let sink = try FileSink(path: path)
        try sink.write([0x5B])
        var total = 1
        let last = buffers.lastIndex { !$0.isEmpty }
        for (i, var b) in buffers.enumerated() where !b.isEmpty {
            if i == last { b.removeLast(2) }   // the final ", "
            try sink.write(b)
            total += b.count
        }
        try sink.write([0x5D])
        try sink.close()
        return total + 1
    }

    private func writeJSONL(_ path: String, split: String, _ segments: [Segment]) throws -> Int {
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
        let sink = try FileSink(path: path)
        var total = 0
        for b in buffers { try sink.write(b); total += b.count }
        try sink.close()
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

/// `<e_0>`, `<e_1>`, … as one byte buffer with offsets: appending a token copies bytes without
/// touching reference counts.
struct TokenTable: Sendable {
    let bytes: [UInt8]
    let offsets: [Int]

    init(prefix: String, count: Int) {
        var b: [UInt8] = [], o = [0]
        for i in 0..<count {
            b.append(contentsOf: prefix.utf8)
            b.put(int: i)
            b.append(0x3E)
            o.append(b.count)
        }
        bytes = b
        offsets = o
    }

    @inline(__always) func append(_ i: Int, to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[offsets[i] ..< offsets[i + 1]])) }
    }
}
