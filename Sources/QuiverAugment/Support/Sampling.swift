import QuiverCore

extension SeededRandom {
    /// The same draws and result as `shuffle(_:)`, specialised for indices: the generic one is
    /// compiled in QuiverCore and swaps through value witnesses, several times slower on the
    /// hundreds of thousands of training items.
    mutating func shuffleIndices(_ a: inout [Int]) {
        guard a.count > 1 else { return }
        a.withUnsafeMutableBufferPointer { a in
            for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, below(i + 1)) }
        }
    }
}
