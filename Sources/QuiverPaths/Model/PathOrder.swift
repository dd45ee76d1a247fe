import QuiverGraph

/// The deterministic order of paths in every answer.
///
/// Shorter paths come first. Paths of equal length are compared step by step: first the start
/// node's name, then for each step `i` in turn the name of the node it reaches (`nodes[i + 1]`), the
/// relation name of the step, and its direction (`out` before `in`); the first difference decides.
/// Names compare by their UTF-8 bytes (so `"B" < "a" < "b"`). Two paths with equal keys are the same
/// path.
///
/// ```
/// a -r-> b -s-> c   comes before   a -r-> c -s-> b   (b < c at step 1)
/// a -q-> b          comes before   a -r-> b          (same node, q < r)
/// ```
public struct PathOrder: Sendable {
    public let snapshot: CSRSnapshot

    public init(_ snapshot: CSRSnapshot) { self.snapshot = snapshot }

    /// Orders two node names by UTF-8 bytes.
    @inline(__always)
    public static func less(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in compareBytes(x, y) < 0 } }
    }

    static func compareBytes(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(x.count, y.count)
        var i = 0
        while i < n {
            if x[i] != y[i] { return x[i] < y[i] ? -1 : 1 }
            i += 1
        }
        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    }

    public func compareNodes(_ a: Int32, _ b: Int32) -> Int {
        if a == b { return 0 }
        var x = snapshot.nodeName(a), y = snapshot.nodeName(b)
        return x.withUTF8 { xb in y.withUTF8 { yb in Self.compareBytes(xb, yb) } }
    }

    public func compareRelations(_ a: Int32, _ b: Int32) -> Int {
        if a == b { return 0 }
        var x = snapshot.relationName(a), y = snapshot.relationName(b)
        return x.withUTF8 { xb in y.withUTF8 { yb in Self.compareBytes(xb, yb) } }
    }

    /// Compares one step's key: the node reached, then the relation, then the direction.
    public func compareStep(node a: Int32, _ sa: PathStep, node b: Int32, _ sb: PathStep) -> Int {
        let c = compareNodes(a, b)
        if c != 0 { return c }
        let r = compareRelations(sa.relation, sb.relation)
        if r != 0 { return r }
        if sa.direction == sb.direction { return 0 }
        return sa.direction == .out ? -1 : 1
    }

    /// Negative, zero or positive as `a` comes before, equals or comes after `b`.
    public func compare(_ a: Path, _ b: Path) -> Int {
        if a.length != b.length { return a.length < b.length ? -1 : 1 }
        let c = compareNodes(a.nodes[0], b.nodes[0])
        if c != 0 { return c }
        for i in 0..<a.length {
            let s = compareStep(node: a.nodes[i + 1], a.steps[i], node: b.nodes[i + 1], b.steps[i])
            if s != 0 { return s }
        }
        return 0
    }

    public func less(_ a: Path, _ b: Path) -> Bool { compare(a, b) < 0 }
}
