import QuiverCore
import QuiverParsers

extension Store {
    /// Writes every triple of a graph in `format`, in (s, p, o) id order, handing `write` chunks of
    /// about 1 MiB. Returns the number of triples written.
    @discardableResult
    public func export(graph name: String, format: OutputFormat, write: ([UInt8]) throws -> Void) throws -> Int {
        let writer = TripleWriter(format: format)
        var terms: [Int64: Term] = [:]
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20 + 4096)
        var count = 0
        try readGraph(name, orderBySubject: true, onTerm: { id, term in
            terms[id] = term
        }, onTriple: { s, p, o, _, _ in
            guard let st = terms[s], let pt = terms[p], let ot = terms[o] else {
                throw StoreError.input("graph '\(name)' refers to a term missing from its dictionary")
            }
            do {
                try writer.append(st, pt, ot, to: &out)
            } catch let e as TripleWriter.UnrepresentableTerm {
                throw StoreError.unsupported(e.message)
            }
            count += 1
            if out.count >= 1 << 20 {
                try write(out)
                out.removeAll(keepingCapacity: true)
            }
        })
        if !out.isEmpty { try write(out) }
        return count
    }
}
