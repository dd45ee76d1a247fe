import Foundation
import QuiverCore
import QuiverKernels

/// A trained model as bytes: hyperparameters, the term ids its rows stand for, and its tensors.
///
/// Layout (little-endian): `QVMODEL1`, u32 length + hyperparameters JSON, u32 entity count + i64
/// term ids, u32 relation count + i64 term ids, u32 tensor count, then per tensor: u32 name length
/// + UTF-8 name, u32 rows, u32 cols, rows·cols f32.
///
/// Rows are stored in the numbering of the snapshot trained on; `model(for:)` maps them onto the
/// numbering of the snapshot at hand by term id, so a reloaded graph keeps its models. Entities or
/// relations the model never saw get zero rows (and are reported by `unseen(in:)`).
public struct ModelArchive: Sendable {
    public var hyper: Hyperparameters
    public var entityTermIDs: [Int64]
    public var relationTermIDs: [Int64]
    public var parameters: Parameters

    public init(model: any LinkPredictor, hyper: Hyperparameters, data: TrainingData) {
        self.hyper = hyper
        entityTermIDs = data.entityTermIDs
        relationTermIDs = data.relationTermIDs
        parameters = model.parameters
    }

    /// Stored weights that cannot be read back: the store's damage or Quiver's bug, never the
    /// request's, so `internal`.
    public struct Corrupt: PresentableError, Sendable {
        public var message: ErrorMessage
        public var category: ErrorCategory { .internal }
    }

    private static let magic = Array("QVMODEL1".utf8)

    public func encoded() -> [UInt8] {
        var out = ModelArchive.magic
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { out.append(contentsOf: $0) } }
        let json = (try? JSONEncoder().encode(hyper)).map(Array.init) ?? []
        u32(json.count); out += json
        u32(entityTermIDs.count)
        for id in entityTermIDs { withUnsafeBytes(of: id.littleEndian) { out.append(contentsOf: $0) } }
        u32(relationTermIDs.count)
        for id in relationTermIDs { withUnsafeBytes(of: id.littleEndian) { out.append(contentsOf: $0) } }
        u32(parameters.tensors.count)
        for (name, t) in zip(parameters.names, parameters.tensors) {
            let n = Array(name.utf8)
            u32(n.count); out += n
            u32(t.rows); u32(t.cols)
            for v in t.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        }
        return out
    }

    public init(decoding bytes: [UInt8]) throws(Corrupt) {
        var at = 0
        func take(_ n: Int) throws(Corrupt) -> ArraySlice<UInt8> {
            guard n >= 0, at + n <= bytes.count else { throw Corrupt(message: "model archive is truncated at byte \(at)") }
            defer { at += n }
            return bytes[at ..< at + n]
        }
        func u32() throws(Corrupt) -> Int {
            let s = try take(4)
            return Int(s.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
        func u64() throws(Corrupt) -> UInt64 {
            let s = try take(8)
            return s.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        guard Array(try take(8)) == ModelArchive.magic else { throw Corrupt(message: "not a Quiver model archive") }
        let json = try take(try u32())
        guard let hyper = try? JSONDecoder().decode(Hyperparameters.self, from: Data(json)) else {
            throw Corrupt(message: "model archive has unreadable hyperparameters")
        }
        self.hyper = hyper
        entityTermIDs = []
        for _ in 0 ..< (try u32()) { entityTermIDs.append(Int64(bitPattern: try u64())) }
        relationTermIDs = []
        for _ in 0 ..< (try u32()) { relationTermIDs.append(Int64(bitPattern: try u64())) }
        var named: [(String, Matrix)] = []
        for _ in 0 ..< (try u32()) {
            let name = String(decoding: try take(try u32()), as: UTF8.self)
            let rows = try u32(), cols = try u32()
            let raw = try take(rows * cols * 4)
            var values = [Float](repeating: 0, count: rows * cols)
            raw.withUnsafeBytes { p in
                for i in 0 ..< values.count { values[i] = Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))) }
            }
            named.append((name, Matrix(rows: rows, cols: cols, values: values)))
        }
        parameters = Parameters(named)
        guard at == bytes.count else { throw Corrupt(message: "model archive has \(bytes.count - at) trailing bytes") }
    }

    /// How many of `data`'s entities and relations the model has no rows for.
    public func unseen(in data: TrainingData) -> (entities: Int, relations: Int) {
        let e = Set(entityTermIDs), r = Set(relationTermIDs)
        return (data.entityTermIDs.filter { !e.contains($0) }.count, data.relationTermIDs.filter { !r.contains($0) }.count)
    }

    /// The model over `data`'s numbering (the path GNN's message graph is `data`'s training facts).
    public func model(for data: TrainingData) -> any LinkPredictor {
        let entityIndex = Dictionary(entityTermIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let relationIndex = Dictionary(relationTermIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let oldR = relationTermIDs.count, newR = data.relationCount
        // For each new entity / doubled relation, its old row (or nil).
        let entityMap = data.entityTermIDs.map { entityIndex[$0] }
        let baseMap = data.relationTermIDs.map { relationIndex[$0] }
        let relationMap: [Int?] = baseMap + baseMap.map { $0.map { $0 + oldR } }
        func remapRows(_ m: Matrix, _ map: [Int?]) -> Matrix {
            var out = Matrix(rows: map.count, cols: m.cols)
            for (i, old) in map.enumerated() {
                guard let old else { continue }
                for j in 0 ..< m.cols { out.values[i * m.cols + j] = m.values[old * m.cols + j] }
            }
            return out
        }
        func remapColumnBlocks(_ m: Matrix, _ map: [Int?], block: Int) -> Matrix {
            var out = Matrix(rows: m.rows, cols: map.count * block)
            for i in 0 ..< m.rows {
                for (r, old) in map.enumerated() {
                    guard let old else { continue }
                    for j in 0 ..< block { out.values[i * out.cols + r * block + j] = m.values[i * m.cols + old * block + j] }
                }
            }
            return out
        }
        var p = parameters
        let relations2 = 2 * newR
        switch hyper.model {
        case .nbf:
            let d = hyper.dim
            for (i, name) in p.names.enumerated() {
                if name == "query" { p.tensors[i] = remapRows(p.tensors[i], relationMap) }
                if name.hasSuffix(".relation.weight") || name.hasSuffix(".relation.bias") {
                    p.tensors[i] = remapColumnBlocks(p.tensors[i], relationMap, block: d)
                }
            }
            var unused = SeededRandom(seed: 0)
            return PathGNN(entityCount: data.entityCount, relationCount: relations2, facts: data.train, hyper: hyper, parameters: p,
                           random: &unused)
        default:
            p.tensors[0] = remapRows(p.tensors[0], entityMap)
            p.tensors[1] = remapRows(p.tensors[1], relationMap)
            return EmbeddingModel(kind: hyper.model, entityCount: data.entityCount, relationCount: relations2, hyper: hyper, parameters: p)
        }
    }
}
