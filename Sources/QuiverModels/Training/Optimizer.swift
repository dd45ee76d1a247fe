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

    public mutating func apply(_ gradients: Parameters, to parameters: inout Parameters) {
        step += 1
        let lr = learningRate
        switch kind {
        case .adam:
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
        case .adagrad:
            for i in parameters.tensors.indices {
                gradients.tensors[i].values.withUnsafeBufferPointer { g in
                first[i].withUnsafeMutableBufferPointer { s in
                parameters.tensors[i].values.withUnsafeMutableBufferPointer { p in
                    for j in 0 ..< p.count where g[j] != 0 {
                        s[j] += g[j] * g[j]
                        p[j] -= lr * g[j] / (s[j].squareRoot() + 1e-10)
                    }
                }}}
            }
        }
    }
}
