import Foundation
import QuiverProtocol
import Synchronization
import Testing
@testable import QuiverServer

/// JOB CANCEL against the job's own thread, without a server.
@Suite struct JobRegistryTests {
    /// A job answers JOB CANCEL before its thread has begun as often as after: whichever comes
    /// first, a cancel answered OK means the job ends cancelled and its work sees the token.
    /// (A thread that started after the cancel used to mark the job running again and finish it.)
    @Test func aCancelAnsweredOKAlwaysEndsCancelled() async throws {
        let jobs = JobRegistry(maxRunning: 256, maxQueued: 256)
        var submitted: [JobRegistry.Job] = []
        for _ in 0..<100 {
            let job = try jobs.submit(kind: "test", graph: "g") { job in
                // Work that stops at its checks, as a load does after each batch.
                for _ in 0..<2000 {
                    if job.cancellation.isCancelled { throw CommandError.err("cancelled") }
                    Thread.sleep(forTimeInterval: 0.001)
                }
                return .ok
            }
            #expect(try jobs.cancel(job.id) == .ok)
            submitted.append(job)
        }
        for job in submitted {
            var polls = 0
            while ![.done, .failed, .cancelled].contains(job.state) && polls < 1000 {
                try await Task.sleep(for: .milliseconds(10))
                polls += 1
            }
            #expect(job.state == .cancelled, "job \(job.id) ended \(job.state)")
        }
        // A job's thread gives its slot back just after its state says it ended.
        for _ in 0..<500 where jobs.counts.running > 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(jobs.counts.running == 0)
    }
}
