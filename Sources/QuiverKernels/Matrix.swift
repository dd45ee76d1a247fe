/// A dense row-major Float32 matrix: element (i, j) is `values[i * cols + j]`.
///
/// Query batches are folded into the width: a batch of `b` queries with `d` features per node is a
/// `nodes × (b·d)` matrix whose row `v` holds query 0's features, then query 1's, and so on.
///
/// ```swift
/// var x = Matrix(rows: 3, cols: 4)
/// x[1, 2] = 0.5
/// ```
public struct Matrix: Sendable, Equatable {
    public var rows: Int
    public var cols: Int
    public var values: [Float]

    public init(rows: Int, cols: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && cols >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        self.values = [Float](repeating: value, count: rows * cols)
    }

    public init(rows: Int, cols: Int, values: [Float]) {
        precondition(values.count == rows * cols, "expected \(rows * cols) values, got \(values.count)")
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    @inline(__always) public subscript(i: Int, j: Int) -> Float {
        get { values[i * cols + j] }
        set { values[i * cols + j] = newValue }
    }

    /// Row `i` as an array (a copy).
    public func row(_ i: Int) -> [Float] { Array(values[i * cols ..< (i + 1) * cols]) }

    /// The transpose, as a new row-major matrix.
    public func transposed() -> Matrix {
        var t = Matrix(rows: cols, cols: rows)
        let r = rows, c = cols
        values.withUnsafeBufferPointer { src in
            t.values.withUnsafeMutableBufferPointer { dst in
                // Tiles keep both the reads and the writes within a few cache lines.
                let tile = 32
                for i0 in stride(from: 0, to: r, by: tile) {
                    for j0 in stride(from: 0, to: c, by: tile) {
                        for i in i0 ..< min(i0 + tile, r) {
                            for j in j0 ..< min(j0 + tile, c) { dst[j * r + i] = src[i * c + j] }
                        }
                    }
                }
            }
        }
        return t
    }
}
