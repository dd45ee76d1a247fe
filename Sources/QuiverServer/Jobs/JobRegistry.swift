import Foundation
import QuiverCore
import QuiverProtocol
import QuiverStore

/// Long work (big loads) that runs apart from the request that started it: `JOB STATUS id`
/// shows its progress, `JOB CANCEL id` stops it (a running load rolls back whole), `JOBS` lists them. At most
/// `maxRunning` run at once, each on a thread of its own so that queries keep their workers;
/// up to `maxQueued` more wait in line.
final class JobRegistry: @unchecked Sendable {
    enum State: String { case queued, running, done, failed, cancelled }

    final class Job: @unchecked Sendable {
        let id: String
        let kind: String
        let graph: String
        let created = Date()
        fileprivate let work: @Sendable (Job) throws -> RESPValue
        /// Work that can stop halfway checks this (a load passes it in its options).
        let cancellation = CancellationToken()
        private let lock = NSLock()
        private var _state = State.queued
        private var started: Date?
        private var finished: Date?
        private var fraction: Double?
        private var items = 0
        private var result: RESPValue?
        private var error: String?

        init(id: String, kind: String, graph: String, work: @escaping @Sendable (Job) throws -> RESPValue) {
            self.id = id
            self.kind = kind
            self.graph = graph
            self.work = work
        }

        var state: State {
            lock.lock()
            defer { lock.unlock() }
            return _state
        }

        /// Called by the work as it goes: the fraction done (when known) and items (triples) so far.
        func report(fraction: Double?, items: Int) {
            lock.lock()
            self.fraction = fraction.map { min(1, max(0, $0)) }
            self.items = items
            lock.unlock()
        }

        fileprivate func transition(to state: State, result: RESPValue? = nil, error: String? = nil) {
            lock.lock()
            _state = state
            if state == .running { started = Date() }
            if state == .done || state == .failed || state == .cancelled { finished = Date() }
            if state == .done { fraction = 1 }
            if let result { self.result = result }
            if let error { self.error = error }
            lock.unlock()
        }

        /// Cancels a queued job; true when it was still queued.
        fileprivate func cancelIfQueued() -> Bool {
            lock.lock()
            defer { lock.unlock() }
            guard _state == .queued else { return false }
            _state = .cancelled
            finished = Date()
            return true
        }

        var status: RESPValue {
            lock.lock()
            defer { lock.unlock() }
            let now = Date()
            let elapsed = started.map { (finished ?? now).timeIntervalSince($0) } ?? 0
            let rate = elapsed > 0 ? Double(items) / elapsed : 0
            var eta: RESPValue = .null
            if _state == .running, let f = fraction, f > 0.001 { eta = .double((elapsed / f - elapsed).rounded(toPlaces: 1)) }
            if _state == .done { eta = .double(0) }
            var pairs: [RESPPair] = [
                RESPPair(.bulk("id"), .bulk(id)), RESPPair(.bulk("kind"), .bulk(kind)), RESPPair(.bulk("graph"), .bulk(graph)),
                RESPPair(.bulk("state"), .bulk(_state.rawValue)),
                RESPPair(.bulk("percent"), fraction.map { .double(($0 * 100).rounded(toPlaces: 1)) } ?? .null),
                RESPPair(.bulk("triples"), .integer(Int64(items))),
                RESPPair(.bulk("rate"), .double(rate.rounded(toPlaces: 1))),
                RESPPair(.bulk("eta_seconds"), eta),
                RESPPair(.bulk("elapsed_seconds"), .double(elapsed.rounded(toPlaces: 3))),
            ]
            if let result { pairs.append(RESPPair(.bulk("result"), result)) }
            if let error { pairs.append(RESPPair(.bulk("error"), .bulk(error))) }
            return .map(pairs)
        }
    }

    let maxRunning: Int
    let maxQueued: Int
    private let lock = NSLock()
    private var jobs: [Job] = []
    private var queue: [Job] = []
    private var running = 0
    private var nextID = 0

    init(maxRunning: Int, maxQueued: Int) {
        self.maxRunning = max(1, maxRunning)
        self.maxQueued = max(0, maxQueued)
    }

    /// Starts (or queues) a job; refuses when the queue is full.
    func submit(kind: String, graph: String, work: @escaping @Sendable (Job) throws -> RESPValue) throws(CommandError) -> Job {
        lock.lock()
        if running >= maxRunning && queue.count >= maxQueued {
            lock.unlock()
            throw CommandError("BUSY", "\(running) jobs are running and \(queue.count) waiting (the limit); try again later")
        }
        nextID += 1
        let job = Job(id: String(nextID), kind: kind, graph: graph, work: work)
        jobs.append(job)
        if jobs.count > 200, let i = jobs.firstIndex(where: { [.done, .failed, .cancelled].contains($0.state) }) { jobs.remove(at: i) }
        if running < maxRunning {
            running += 1
            lock.unlock()
            start(job)
        } else {
            queue.append(job)
            lock.unlock()
        }
        return job
    }

    private func start(_ job: Job) {
        let thread = Thread { [self] in
            job.transition(to: .running)
            do {
                let result = try job.work(job)
                job.transition(to: .done, result: result)
            } catch StoreError.cancelled {
                job.transition(to: .cancelled, error: StoreError.cancelled.description)
            } catch {
                job.transition(to: .failed, error: CommandError.from(error).message)
            }
            finishedOne()
        }
        thread.name = "quiver-job-\(job.id)"
        thread.start()
    }

    private func finishedOne() {
        lock.lock()
        running -= 1
        var next: Job?
        while !queue.isEmpty {
            let candidate = queue.removeFirst()
            if candidate.state == .queued { next = candidate; break }
        }
        if next != nil { running += 1 }
        lock.unlock()
        if let next { start(next) }
    }

    func job(_ id: String) throws(CommandError) -> Job {
        lock.lock()
        defer { lock.unlock() }
        guard let job = jobs.first(where: { $0.id == id }) else { throw CommandError("NOJOB", "no job '\(id)' (JOBS lists them)") }
        return job
    }

    func status(_ id: String) throws(CommandError) -> RESPValue { try job(id).status }

    func cancel(_ id: String) throws(CommandError) -> RESPValue {
        let job = try job(id)
        if job.cancelIfQueued() { return .ok }
        switch job.state {
        case .running:
            // The work stops at its next check and rolls back; JOB STATUS then says cancelled.
            job.cancellation.cancel()
            return .ok
        default:
            throw CommandError.err("job \(id) has already ended (\(job.state.rawValue))")
        }
    }

    func list() -> RESPValue {
        lock.lock()
        let all = jobs
        lock.unlock()
        return .array(all.reversed().map(\.status))
    }

    var counts: (running: Int, queued: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (running, queue.filter { $0.state == .queued }.count)
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let m = pow(10, Double(places))
        return (self * m).rounded() / m
    }
}
