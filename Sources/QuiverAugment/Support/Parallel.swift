import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

/// One worker per core (at most `count`), each calling `body` once with a `claim` function that
/// hands out the indices `0 ..< count` one at a time (nil when none are left): a worker can keep
/// per-worker state, such as a buffer, across the items it claims. Returns each worker's result.
func parallelWorkers<T>(_ count: Int, _ body: (_ claim: () -> Int?) -> T) -> [T] {
    guard count > 0 else { return [] }
    let next = Atomic<Int>(0)
    return parallelMap(min(count, processorCount)) { _ in
        body {
            let i = next.add(1, ordering: .relaxed).oldValue
            return i < count ? i : nil
        }
    }
}

/// Online processors (at least 1).
let processorCount = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

/// Splits `0 ..< n` into about `parts` contiguous ranges.
func chunks(_ n: Int, parts: Int) -> [Range<Int>] {
    let p = max(1, min(parts, n))
    return (0..<p).map { i in (n * i / p) ..< (n * (i + 1) / p) }
}

/// Starts `work` on another thread; the returned function waits for its result.
func alongside<T: Sendable>(_ work: @escaping @Sendable () -> T) -> () -> T {
    let slot = ResultSlot<T>(), done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
        slot.value = work()
        done.signal()
    }
    return {
        done.wait()
        return slot.value!
    }
}

/// Where `alongside`'s thread leaves its result; the semaphore orders the write before the read.
private final class ResultSlot<T>: @unchecked Sendable {
    var value: T?
}
