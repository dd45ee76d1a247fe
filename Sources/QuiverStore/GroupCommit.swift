import Foundation
import Synchronization

/// Writes from many connections committed together: every write submitted while a transaction is
/// being committed goes into the next one, so the flushes to disk are shared; a lone write waits
/// for nobody. Each write is answered only once the transaction holding it has committed (or
/// failed).
///
/// Nobody blocks on a write: `submit` queues it with a completion and returns; one committer at a
/// time (on a serial dispatch queue) takes what is queued and commits it. A thread per waiting
/// write cost the daemon half its time in the kernel's thread switches.
///
/// What committed goes to a second stage, the applier (`committed`, then the completions), so the
/// next transaction runs while the last one is applied; the applier takes every transaction that
/// committed meanwhile at once, in commit order, so that one apply (whose cost grows with the
/// daemon's delta, not with the batch) serves them all.
///
/// ```swift
/// let group = GroupCommit(store: store)
/// group.submit([SmallWrite(graph: "g", kind: .delete, triples: [t])]) { results in … }  // from any thread
/// let report = try group.commit(SmallWrite(graph: "g", kind: .delete, triples: [t]))  // waits
/// ```
public final class GroupCommit: Sendable {
    let store: Store
    /// The most writes one transaction carries (a submission is never split).
    let maxBatch: Int

    public typealias Completion = @Sendable ([Result<SmallWriteReport, any Error>]) -> Void

    private struct Submission: Sendable {
        let writes: [SmallWrite]
        let completion: Completion
    }

    private struct Queue: Sendable {
        var waiting: [Submission] = []
        /// A committer is running (and will look at the queue again before it stops).
        var committing = false
    }
    private let queue = Mutex(Queue())
    /// Utility QoS (nice 2 on Linux), below the query workers' userInitiated (-2): on busy cores
    /// a read's answer does not wait for the write pipeline.
    private let committer = DispatchQueue(label: "quiver.group-commit", qos: .utility)

    private struct Committed: Sendable {
        var queue: [(outcome: CommitOutcome, batch: [Submission])] = []
        var applying = false
    }
    private let done = Mutex(Committed())
    private let applier = DispatchQueue(label: "quiver.group-commit.apply", qos: .utility)

    private struct Counts: Sendable {
        var transactions = 0
        var writes = 0
    }
    private let counts = Mutex(Counts())

    /// Called with what transactions changed once they committed (one or several, in commit order:
    /// `CommitOutcome.transactions`), before any of their writers is answered: the daemon applies
    /// the changes to its versions in memory here, so that an acknowledged write is visible to
    /// every later command.
    let committed: @Sendable (CommitOutcome) -> Void
    /// Called before each transaction starts (`committed` follows it, whatever the outcome).
    let willCommit: @Sendable () -> Void

    public init(store: Store, maxBatch: Int = 4096, willCommit: @escaping @Sendable () -> Void = {},
                committed: @escaping @Sendable (CommitOutcome) -> Void = { _ in }) {
        self.store = store
        self.maxBatch = max(1, maxBatch)
        self.willCommit = willCommit
        self.committed = committed
    }

    /// Transactions committed and writes they carried (INFO: writes per transaction).
    public var statistics: (transactions: Int, writes: Int) { counts.withLock { ($0.transactions, $0.writes) } }

    /// Queues `writes` for the next transaction and returns at once; `completion` gets their
    /// results, in order, on the committer's thread once that transaction committed (or failed).
    /// Writes of one submission go into one transaction, in order; each still fails alone.
    public func submit(_ writes: [SmallWrite], completion: @escaping Completion) {
        guard !writes.isEmpty else { return completion([]) }
        let start = queue.withLock { q -> Bool in
            q.waiting.append(Submission(writes: writes, completion: completion))
            if q.committing { return false }
            q.committing = true
            return true
        }
        if start { committer.async { self.commitQueued() } }
    }

    /// Commits `write` together with whatever else is queued; returns once its transaction has
    /// committed, with its own result. Blocks the calling thread: for callers that are not on an
    /// event loop.
    public func commit(_ write: SmallWrite) throws -> SmallWriteReport {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<SmallWriteReport, any Error>?>(nil)
        submit([write]) { results in
            result.withLock { $0 = results[0] }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }

    /// Takes batches off the queue until it is empty.
    private func commitQueued() {
        while true {
            let batch: [Submission] = queue.withLock { q in
                var n = 0, writes = 0
                while n < q.waiting.count, n == 0 || writes + q.waiting[n].writes.count <= maxBatch {
                    writes += q.waiting[n].writes.count
                    n += 1
                }
                if n == 0 { q.committing = false }
                let taken = Array(q.waiting.prefix(n))
                q.waiting.removeFirst(n)
                return taken
            }
            guard !batch.isEmpty else { return }
            willCommit()
            let outcome = store.commitRecording(batch.flatMap(\.writes))
            counts.withLock { $0.transactions += 1; $0.writes += outcome.results.count }
            let start = done.withLock { d -> Bool in
                d.queue.append((outcome, batch))
                if d.applying { return false }
                d.applying = true
                return true
            }
            if start { applier.async { self.applyCommitted() } }
        }
    }

    /// Applies what committed, all of it at once, and answers its writers; until none is left.
    private func applyCommitted() {
        while true {
            let ready = done.withLock { d in
                defer { d.queue = [] }
                if d.queue.isEmpty { d.applying = false }
                return d.queue
            }
            guard !ready.isEmpty else { return }
            var all = ready[0].outcome
            for (outcome, _) in ready.dropFirst() {
                all.results += outcome.results
                all.changes += outcome.changes
                all.terms.merge(outcome.terms) { a, _ in a }
                all.transactions += outcome.transactions
            }
            committed(all)
            for (outcome, batch) in ready {
                var at = 0
                for submission in batch {
                    let n = submission.writes.count
                    submission.completion(Array(outcome.results[at..<at + n]))
                    at += n
                }
            }
        }
    }
}
