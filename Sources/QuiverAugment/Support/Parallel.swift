import Dispatch

/// Runs `body` for `0 ..< count` on all cores and returns the results in index order, so the
/// output never depends on scheduling.
func parallelMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    guard count > 0 else { return [] }
    let buffer = UnsafeMutablePointer<T?>.allocate(capacity: count)
    buffer.initialize(repeating: nil, count: count)
    defer { buffer.deinitialize(count: count); buffer.deallocate() }
    nonisolated(unsafe) let slots = buffer
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let work = body
        DispatchQueue.concurrentPerform(iterations: count) { i in slots[i] = work(i) }
    }
    return (0..<count).map { buffer[$0]! }
}

/// Splits `0 ..< n` into about `parts` contiguous ranges.
func chunks(_ n: Int, parts: Int) -> [Range<Int>] {
    let p = max(1, min(parts, n))
    return (0..<p).map { i in (n * i / p) ..< (n * (i + 1) / p) }
}
