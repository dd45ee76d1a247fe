import Foundation
import QuiverKernels

/// A model's learnable tensors, in a fixed order, with names for storage and messages.
public struct Parameters: Sendable, Equatable {
    public var names: [String]
    public var tensors: [Matrix]

    public init(_ named: [(String, Matrix)]) {
        names = named.map(\.0)
        tensors = named.map(\.1)
    }

    public func index(of name: String) -> Int {
        guard let i = names.firstIndex(of: name) else { preconditionFailure("no parameter named \(name)") }
        return i
    }

    public subscript(name: String) -> Matrix {
        get { tensors[index(of: name)] }
        set { tensors[index(of: name)] = newValue }
    }

    /// Zero tensors of the same shapes: a gradient accumulator.
    public func zeros() -> Parameters {
        var z = self
        z.tensors = tensors.map { Matrix(rows: $0.rows, cols: $0.cols) }
        return z
    }

    public var count: Int { tensors.reduce(0) { $0 + $1.values.count } }
}

/// First-order optimisers over `Parameters`: Adam (Kingma & Ba, bias-corrected) and Adagrad (as
/// PyTorch's, initial accumulator 0, epsilon 1e-10). Updates run in a fixed order on one thread,
/// so a seeded run repeats bit for bit.
/// Gradients of a model's tensors that may name only some rows: a batch of a big graph touches
/// a few thousand of its million entity rows, and a gradient the size of every parameter (made,
/// zeroed and walked per batch) cost more than the batch's own work.
public struct RowGradients: Sendable {
    /// Per tensor, in `Parameters`' order.
    public var tensors: [RowGradient]

    public init(_ tensors: [RowGradient]) { self.tensors = tensors }

    /// Every row of every tensor.
    public init(dense: Parameters) { tensors = dense.tensors.map { RowGradient(dense: $0) } }

    /// The same gradients as full tensors shaped like `parameters` (untouched rows zero).
    public func dense(like parameters: Parameters) -> Parameters {
        var out = parameters.zeros()
        for (i, g) in tensors.enumerated() {
            guard let rows = g.rows else { out.tensors[i].values = g.values; continue }
            let c = g.cols
            for (k, r) in rows.enumerated() {
                for d in 0 ..< c { out.tensors[i].values[Int(r) * c + d] += g.values[k * c + d] }
            }
        }
        return out
    }
}

/// The gradient of one tensor, of every row (`rows == nil`, values row after row) or of the rows
/// listed (`rows[k]`'s values at `k × cols`), each row once.
public struct RowGradient: Sendable {
    public let cols: Int
    public private(set) var rows: [Int32]?
    public var values: [Float]
    private var slot: [Int32: Int] = [:]

    /// Zero rows for all `count` rows.
    public init(denseRows count: Int, cols: Int) {
        self.cols = cols
        rows = nil
        values = [Float](repeating: 0, count: count * cols)
    }

    public init(dense m: Matrix) {
        cols = m.cols
        rows = nil
        values = m.values
    }

    /// No row yet: rows are added, zero, by `offset`.
    public init(sparseCols cols: Int) {
        self.cols = cols
        rows = []
        values = []
    }

    /// Where row `r`'s values start in `values` (a sparse gradient adds the row, zero, the first
    /// time).
    @inline(__always) public mutating func offset(_ r: Int32) -> Int {
        guard rows != nil else { return Int(r) * cols }
        if let k = slot[r] { return k * cols }
        let k = slot.count
        slot[r] = k
        rows?.append(r)
        values.append(contentsOf: repeatElement(0, count: cols))
        return k * cols
    }
}

public struct Optimizer: Sendable {
    public enum Kind: String, Sendable, CaseIterable, Codable { case adam, adagrad }

    public let kind: Kind
    public var learningRate: Float
    private var first: [[Float]]
    private var second: [[Float]]
    private var step = 0
    private let beta1: Float = 0.9, beta2: Float = 0.999

    public init(_ kind: Kind, learningRate: Float, for parameters: Parameters) {
        self.kind = kind
        self.learningRate = learningRate
        first = parameters.tensors.map { [Float](repeating: 0, count: $0.values.count) }
        second = kind == .adam ? first : []
    }

    /// `apply` for gradients of some rows. Adagrad updates only those rows, which is exact: a row
    /// whose gradient is zero does not change. Adam's moments move every row, so its update is
    /// the dense one.
    public mutating func apply(_ gradients: RowGradients, to parameters: inout Parameters) {
        guard kind == .adagrad else { return apply(gradients.dense(like: parameters), to: &parameters) }
        step += 1
        let lr = learningRate
        for i in parameters.tensors.indices {
            let g = gradients.tensors[i], c = g.cols
            g.values.withUnsafeBufferPointer { gv in
            first[i].withUnsafeMutableBufferPointer { s in
            parameters.tensors[i].values.withUnsafeMutableBufferPointer { p in
                func update(_ from: Int, _ to: Int, _ n: Int) {
                    for d in 0 ..< n where gv[from + d] != 0 {
                        let gj = gv[from + d]
                        s[to + d] += gj * gj
                        p[to + d] -= lr * gj / (s[to + d].squareRoot() + 1e-10)
                    }
                }
                if let rows = g.rows {
                    for (k, r) in rows.enumerated() { update(k * c, Int(r) * c, c) }
                } else {
                    update(0, 0, p.count)
                }
            }}}
        }
    }

    public mutating func apply(_ gradients: Parameters, to parameters: inout Parameters) {
        // Adagrad's one update is the row-wise one, over every row.
        guard kind == .adam else { return apply(RowGradients(dense: gradients), to: &parameters) }
        step += 1
        let lr = learningRate
        let c1 = 1 - Float(pow(Double(beta1), Double(step))), c2 = 1 - Float(pow(Double(beta2), Double(step)))
        let b1 = beta1, b2 = beta2
        for i in parameters.tensors.indices {
            gradients.tensors[i].values.withUnsafeBufferPointer { g in
            first[i].withUnsafeMutableBufferPointer { m in
            second[i].withUnsafeMutableBufferPointer { v in
            parameters.tensors[i].values.withUnsafeMutableBufferPointer { p in
                for j in 0 ..< p.count {
                    let gj = g[j]
                    m[j] = b1 * m[j] + (1 - b1) * gj
                    v[j] = b2 * v[j] + (1 - b2) * gj * gj
                    p[j] -= lr * (m[j] / c1) / ((v[j] / c2).squareRoot() + 1e-8)
                }
            }}}}
        }
    }
}
