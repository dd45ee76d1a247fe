import Foundation
import QuiverCore
import QuiverModels
import QuiverProtocol
import QuiverService
import QuiverGraph
import QuiverSnapshot
import QuiverStore
import Synchronization

extension GraphBackend {
    /// TRAIN graph [MODEL kind] [NAME n] [DIM d] … : a job, like AUGMENT.
    func train(_ args: inout Arguments, state: ServerState) throws -> Outcome {
        let graph = try args.string("a graph")
        var kind = ModelKind.complex, name: String?
        var settings: [(String, String)] = []
        while let option = args.peekOption() {
            args.skip()
            switch option {
            case "model":
                let v = try args.string("a model kind")
                guard let k = ModelKind(rawValue: v.lowercased()) else {
                    throw CommandError.wrongArgs("MODEL must be one of \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(v)'")
                }
                kind = k
            case "name": name = try args.string("a model name")
            case let o where ModelService.trainingOptions.contains(o): settings.append((o, try args.string(o.uppercased())))
            default: throw CommandError.wrongArgs("TRAIN does not take '\(option)' (see COMMAND DOCS TRAIN)")
            }
        }
        var hyper = Hyperparameters.defaults(for: kind)
        do {
            for (o, v) in settings { try ModelService.set(o, to: v, in: &hyper) }
        } catch { throw CommandError.wrongArgs(error.description) }
        let problems = hyper.problems()
        if !problems.isEmpty { throw CommandError.wrongArgs(problems.joined(separator: "; ")) }
        let modelName = name ?? kind.rawValue
        let store = self.store, engines = self.engines
        let job = try state.jobs.submit(kind: "train", graph: graph) { [hyper] job in
            let snapshot = try engines.engine(graph).snapshot
            let report: TrainJSON
            do {
                report = try ModelService.train(store: store, snapshot: snapshot, name: modelName, hyper: hyper, progress: { p in
                    let done = Double(p.epoch - 1) + Double(p.batch) / Double(max(p.batches, 1))
                    job.report(fraction: done / Double(p.epochs), items: Int(p.triplesPerSecond * p.seconds))
                }, shouldStop: { job.cancellation.isCancelled })
            } catch let e as ModelService.Invalid {
                throw CommandError.err(e.description)
            }
            return try reply(report, json: false)
        }
        return .reply(.map(["job": .bulk(job.id), "state": .bulk(job.state.rawValue)]))
    }
}
