import Foundation
import QuiverPostgres

/// Sends COPY data from a thread of its own, so that parsing the next megabyte overlaps with
/// PostgreSQL receiving the last one. At most `capacity` chunks wait in between, which bounds the
/// memory; a send error stops the producer at its next `push`.
final class BackgroundCopyWriter: @unchecked Sendable {
    // @unchecked: the queue and flags are guarded by `condition`; the COPY writer is used by the
    // sending thread alone.
    private let writer: PGCopyWriter
    private let capacity: Int
    private let condition = NSCondition()
    private var queue: [[UInt8]] = []
    private var closed = false
    private var done = false
    private var failure: Error?
    private var thread: Thread?

    init(writer: PGCopyWriter, capacity: Int = 4) {
        self.writer = writer
        self.capacity = capacity
        let thread = Thread { [self] in self.drain() }
        thread.name = "quiver-copy-writer"
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    /// Queues a chunk, waiting while the queue is full.
    func push(_ bytes: [UInt8]) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append(bytes)
        condition.broadcast()
    }

    /// Waits until every queued chunk was sent; rethrows a send error.
    func finish() throws {
        condition.lock()
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
    }

    /// Stops without sending what is queued (the load failed elsewhere); waits for the thread.
    func abandon() {
        condition.lock()
        queue.removeAll()
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        condition.unlock()
    }

    private func drain() {
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty && closed {
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let chunk = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            do {
                try writer.write(chunk)
            } catch {
                condition.lock()
                failure = error
                queue.removeAll()
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
        }
    }
}
