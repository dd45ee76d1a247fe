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

    /// EVAL graph MODEL name [SPLIT s] [FORMAT JSON]
    func eval(_ args: inout Arguments, session: Session) throws -> Outcome {
        let graph = try args.string("a graph")
        var name: String?, split = Split.test, json = false, timeout: Duration?
        while let option = args.peekOption() {
            args.skip()
            switch option {
            case "model": name = try args.string("a model name")
            case "split":
                split = try args.split()
            case "format": json = try args.formatJSON()
            case "timeout", "timeoutms": timeout = try args.timeout()
            default: throw CommandError.wrongArgs("EVAL takes MODEL, SPLIT, TIMEOUT and FORMAT JSON, not '\(option)'")
            }
        }
        guard let name else { throw CommandError.wrongArgs("EVAL needs MODEL name (the name given to TRAIN)") }
        let stop = try budget(timeout: timeout, session: session).stop
        return .work { [engines, models, store, name, split, json] in
            let snapshot = try engines.engine(graph).snapshot
            do {
                let m = try models.model(store: store, snapshot: snapshot, name: name)
                return try reply(ModelService.evaluate(m, split: split, stop: stop), json: json)
            } catch let e as ModelService.Invalid { throw CommandError.err(e.description) }
        }
    }

    /// SCORE graph head relation [MODEL name] [TOP-K k] [EXPLAIN n] [EXPAND ppr [EXPAND-K n]] [FORMAT JSON]
    func score(_ args: inout Arguments) throws -> Outcome {
        let graph = try args.string("a graph")
        let head = try args.string("a head entity")
        let relation = try args.string("a relation (^name for heads)")
        var name = ModelKind.complex.rawValue, topK = 10, explain = 0, expandK = 10, expandPPR = false, json = false
        while let option = args.peekOption() {
            args.skip()
            switch option {
            case "model": name = try args.string("a model name")
            case "topk": topK = try args.integer("TOP-K")
            case "explain": explain = try args.integer("EXPLAIN")
            case "expand":
                let method = try args.string("ppr")
                guard method.lowercased() == "ppr" else { throw CommandError.wrongArgs("EXPAND takes ppr, not '\(method)'") }
                expandPPR = true
            case "expandk": expandK = try args.integer("EXPAND-K")
            case "format": json = try args.formatJSON()
            default: throw CommandError.wrongArgs("SCORE takes MODEL, TOP-K, EXPLAIN, EXPAND ppr, EXPAND-K and FORMAT JSON, not '\(option)'")
            }
        }
        guard topK >= 0, explain >= 0, expandK >= 0 else { throw CommandError.wrongArgs("TOP-K, EXPLAIN and EXPAND-K must be at least 0") }
        let expand = expandPPR ? expandK : 0
        return .work { [engines, models, store, name, topK, explain, expand, json] in
            let snapshot = try engines.engine(graph).snapshot
            do {
                let m = try models.model(store: store, snapshot: snapshot, name: name)
                return try reply(ModelService.score(m, snapshot: snapshot, head: head, relation: relation, topK: topK, explain: explain,
                                                    expand: expand), json: json)
            } catch let e as ModelService.Invalid { throw CommandError.err(e.description) }
        }
    }
}
