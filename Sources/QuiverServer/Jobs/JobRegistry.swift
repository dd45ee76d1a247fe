import Foundation
import QuiverCore
import QuiverProtocol
import QuiverStore
import Synchronization

/// Long work (big loads) that runs apart from the request that started it: `JOB STATUS id`
/// shows its progress, `JOB CANCEL id` stops it (a running load rolls back whole), `JOBS` lists them. At most
/// `maxRunning` run at once, each on a thread of its own so that queries keep their workers;
/// up to `maxQueued` more wait in line.
final class JobRegistry: Sendable {
    enum State: String, Sendable { case queued, running, done, failed, cancelled }

    final class Job: Sendable {
        let id: String
        let kind: String
        let graph: String
        let created = Date()
        fileprivate let work: @Sendable (Job) throws -> RESPValue
        /// Work that can stop halfway checks this (a load passes it in its options).
        let cancellation = CancellationToken()

        private struct Progress: Sendable {
            var state = State.queued
            var started: Date?
            var finished: Date?
            var fraction: Double?
            var items = 0
            var result: RESPValue?
            var error: String?
            /// The work's last progress line (a training's last epoch).
            var note: String?
        }
        private let progress = Mutex(Progress())

        init(id: String, kind: String, graph: String, work: @escaping @Sendable (Job) throws -> RESPValue) {
            self.id = id
            self.kind = kind
            self.graph = graph
            self.work = work
        }

        var state: State { progress.withLock { $0.state } }

        /// The work's latest progress line, shown by JOB STATUS.
        func note(_ line: String) { progress.withLock { $0.note = line } }

        /// Called by the work as it goes: the fraction done (when known) and items (triples) so far.
        func report(fraction: Double?, items: Int) {
            progress.withLock {
                $0.fraction = fraction.map { min(1, max(0, $0)) }
                $0.items = items
            }
        }

        fileprivate func transition(to state: State, result: RESPValue? = nil, error: String? = nil) {
            progress.withLock { p in
                p.state = state
                if state == .running { p.started = Date() }
                if state == .done || state == .failed || state == .cancelled { p.finished = Date() }
                if state == .done { p.fraction = 1 }
                if let result { p.result = result }
                if let error { p.error = error }
            }
        }

        /// Moves a queued job to running; false when JOB CANCEL got to it first (its thread may
        /// start after the cancel was answered, so the thread asks rather than assumes).
        fileprivate func begin() -> Bool {
            progress.withLock { p in
                guard p.state == .queued else { return false }
                p.state = .running
                p.started = Date()
                return true
            }
        }

        /// Cancels a queued job; true when it was still queued.
        fileprivate func cancelIfQueued() -> Bool {
            progress.withLock { p in
                guard p.state == .queued else { return false }
                p.state = .cancelled
                p.finished = Date()
                return true
            }
        }

        var status: RESPValue {
            let p = progress.withLock { $0 }
            let now = Date()
            let elapsed = p.started.map { (p.finished ?? now).timeIntervalSince($0) } ?? 0
            let rate = elapsed > 0 ? Double(p.items) / elapsed : 0
            var eta: RESPValue = .null
            if p.state == .running, let f = p.fraction, f > 0.001 { eta = .double((elapsed / f - elapsed).rounded(toPlaces: 1)) }
            if p.state == .done { eta = .double(0) }
            var pairs: [RESPPair] = [
                RESPPair(.bulk("id"), .bulk(id)), RESPPair(.bulk("kind"), .bulk(kind)), RESPPair(.bulk("graph"), .bulk(graph)),
                RESPPair(.bulk("state"), .bulk(p.state.rawValue)),
                RESPPair(.bulk("percent"), p.fraction.map { .double(($0 * 100).rounded(toPlaces: 1)) } ?? .null),
                RESPPair(.bulk("triples"), .integer(Int64(p.items))),
                RESPPair(.bulk("rate"), .double(rate.rounded(toPlaces: 1))),
                RESPPair(.bulk("eta_seconds"), eta),
                RESPPair(.bulk("elapsed_seconds"), .double(elapsed.rounded(toPlaces: 3))),
            ]
            if let note = p.note { pairs.append(RESPPair(.bulk("last"), .bulk(note))) }
            if let result = p.result { pairs.append(RESPPair(.bulk("result"), result)) }
            if let error = p.error { pairs.append(RESPPair(.bulk("error"), .bulk(error))) }
            return .map(pairs)
        }
    }

    let maxRunning: Int
    let maxQueued: Int

    private struct Queue: Sendable {
        var jobs: [Job] = []
        var waiting: [Job] = []
        var running = 0
        var nextID = 0
    }
    private let queue = Mutex(Queue())

    init(maxRunning: Int, maxQueued: Int) {
        self.maxRunning = max(1, maxRunning)
        self.maxQueued = max(0, maxQueued)
    }

    /// Starts (or queues) a job; refuses when the queue is full.
    func submit(kind: String, graph: String, work: @escaping @Sendable (Job) throws -> RESPValue) throws(CommandError) -> Job {
        let (job, startNow): (Job?, Bool) = queue.withLock { q in
            if q.running >= maxRunning && q.waiting.count >= maxQueued { return (nil, false) }
            q.nextID += 1
            let job = Job(id: String(q.nextID), kind: kind, graph: graph, work: work)
            q.jobs.append(job)
            if q.jobs.count > 200, let i = q.jobs.firstIndex(where: { [.done, .failed, .cancelled].contains($0.state) }) { q.jobs.remove(at: i) }
            if q.running < maxRunning {
                q.running += 1
                return (job, true)
            }
            q.waiting.append(job)
            return (job, false)
        }
        guard let job else {
            let (running, waiting) = queue.withLock { ($0.running, $0.waiting.count) }
            throw CommandError("BUSY", "\(running) jobs are running and \(waiting) waiting (the limit); try again later")
        }
        if startNow { start(job) }
        return job
    }

    private func start(_ job: Job) {
        let thread = Thread { [self] in
            guard job.begin() else { return finishedOne() }
            do {
                let result = try job.work(job)
                job.transition(to: .done, result: result)
            } catch {
                // However the work says it stopped, a job stopped by JOB CANCEL is cancelled.
                let cancelled = job.cancellation.isCancelled || (error as? StoreError).map { if case .cancelled = $0 { true } else { false } } == true
                job.transition(to: cancelled ? .cancelled : .failed, error: CommandError.from(error).message)
            }
            finishedOne()
        }
        thread.name = "quiver-job-\(job.id)"
        thread.start()
    }

    private func finishedOne() {
        let next: Job? = queue.withLock { q in
            q.running -= 1
            while !q.waiting.isEmpty {
                let candidate = q.waiting.removeFirst()
                if candidate.state == .queued {
                    q.running += 1
                    return candidate
                }
            }
            return nil
        }
        if let next { start(next) }
    }

    func job(_ id: String) throws(CommandError) -> Job {
        guard let job = queue.withLock({ q in q.jobs.first(where: { $0.id == id }) }) else {
            throw CommandError("NOJOB", "no job '\(id)' (JOBS lists them)")
        }
        return job
    }

    func status(_ id: String) throws(CommandError) -> RESPValue { try job(id).status }

    func cancel(_ id: String) throws(CommandError) -> RESPValue {
        let job = try job(id)
        // The token first: work that has begun stops at its next check whichever state it shows.
        job.cancellation.cancel()
        if job.cancelIfQueued() { return .ok }
        switch job.state {
        case .running:
            // The work stops at its next check and rolls back; JOB STATUS then says cancelled.
            return .ok
        default:
            throw CommandError.err("job \(id) has already ended (\(job.state.rawValue))")
        }
    }

    func list() -> RESPValue {
        .array(queue.withLock { $0.jobs }.reversed().map(\.status))
    }

    var counts: (running: Int, queued: Int) {
        queue.withLock { q in (q.running, q.waiting.filter { $0.state == .queued }.count) }
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let m = pow(10, Double(places))
        return (self * m).rounded() / m
    }
}
