import Foundation
import Synchronization

/// Writes from many threads committed together: each caller of `commit` waits until a
/// transaction holding its write has committed (or failed), and writes that arrive while one
/// transaction is being committed go into the next one. Under load a transaction carries every
/// write that came in during the previous commit, so the flushes to disk are shared; a lone write
/// waits for nobody.
///
/// No thread of its own: the first caller to find no commit running leads, commits what is queued
/// and, when more has queued meanwhile, hands the lead to one of those callers before returning.
///
/// ```swift
/// let group = GroupCommit(store: store)
/// let report = try group.commit(SmallWrite(graph: "g", kind: .delete, triples: [t]))  // from any thread
/// ```
public final class GroupCommit: Sendable {
    let store: Store
    /// The most writes one transaction carries.
    let maxBatch: Int

    private final class Waiter: Sendable {
        let write: SmallWrite
        private let ready = DispatchSemaphore(value: 0)
        private let outcome = Mutex<Outcome?>(nil)

        enum Outcome: Sendable {
            case done(Result<SmallWriteReport, any Error>)
            /// This caller commits the next batch.
            case lead
        }

        init(_ write: SmallWrite) { self.write = write }

        func finish(_ o: Outcome) {
            outcome.withLock { $0 = o }
            ready.signal()
        }

        func wait() -> Outcome {
            ready.wait()
            return outcome.withLock { $0! }
        }
    }

    private struct Queue: Sendable {
        var waiting: [Waiter] = []
        var leading = false
    }
    private let queue = Mutex(Queue())

    private struct Counts: Sendable {
        var transactions = 0
        var writes = 0
    }
    private let counts = Mutex(Counts())

    /// Called with what each transaction changed once it committed, before any of its writers is
    /// answered: the daemon applies the changes to its versions in memory here, so that an
    /// acknowledged write is visible to every later command.
    let committed: @Sendable (CommitOutcome) -> Void

    public init(store: Store, maxBatch: Int = 4096, committed: @escaping @Sendable (CommitOutcome) -> Void = { _ in }) {
        self.store = store
        self.maxBatch = max(1, maxBatch)
        self.committed = committed
    }

    /// Transactions committed and writes they carried (INFO: writes per transaction).
    public var statistics: (transactions: Int, writes: Int) { counts.withLock { ($0.transactions, $0.writes) } }

    /// Commits `write` together with whatever else is queued; returns once its transaction has
    /// committed, with its own result.
    public func commit(_ write: SmallWrite) throws -> SmallWriteReport {
        let me = Waiter(write)
        let lead = queue.withLock { q -> Bool in
            q.waiting.append(me)
            if q.leading { return false }
            q.leading = true
            return true
        }
        if !lead, case .done(let result) = me.wait() { return try result.get() }
        // Leading: commit batches until this caller's own write is done, then pass the lead on.
        while true {
            let batch: [Waiter] = queue.withLock { q in
                let n = min(q.waiting.count, maxBatch)
                let taken = Array(q.waiting.prefix(n))
                q.waiting.removeFirst(n)
                return taken
            }
            let outcome = store.commitRecording(batch.map(\.write))
            committed(outcome)
            let results = outcome.results
            counts.withLock { $0.transactions += 1; $0.writes += batch.count }
            var mine: Result<SmallWriteReport, any Error>?
            for (waiter, result) in zip(batch, results) {
                if waiter === me { mine = result } else { waiter.finish(.done(result)) }
            }
            guard let mine else { continue }  // more than maxBatch were ahead of this caller
            let next: Waiter? = queue.withLock { q in
                guard let first = q.waiting.first else { q.leading = false; return nil }
                return first
            }
            next?.finish(.lead)
            return try mine.get()
        }
    }
}
