import QuiverCore
import QuiverGraph

/// A deterministic automaton over the steps of one snapshot: the compiled form of a path expression
/// (or of "any step", without one), with the query's direction and excluded relations folded in.
///
/// A step is a symbol `relation * 2 + (direction == .in ? 1 : 0)`. Symbols that every atom of the
/// expression treats alike share a class, so the transition table is `states × classes`, small
/// even over thousands of relations. Being deterministic, the automaton gives each path of the
/// graph at most one run: searching the product graph (node × state) never finds a path twice.
struct StepAutomaton: Sendable {
    /// Per symbol: its class, or -1 for a step never taken.
    let classOf: [Int32]
    let classCount: Int
    let stateCount: Int
    /// `delta[state * classCount + class]`: the next state, or -1.
    let delta: [Int32]
    let accepting: [Bool]
    /// Reverse transitions: `reverseStates[reverseOffsets[q * classCount + c] ..< reverseOffsets[… + 1]]`
    /// are the states `p` with `delta[p, c] == q`.
    let reverseOffsets: [Int32]
    let reverseStates: [Int32]
    /// False when the expression matches nothing on this snapshot.
    let isEmpty: Bool
    /// Whether any step crosses an edge forwards / backwards.
    let usesOut: Bool
    let usesIn: Bool

    static let maxStates = 4096

    /// One state, accepting, every allowed step: plain search without an expression.
    static func anyStep(relationCount: Int, direction: Direction, excluded: Set<Int32>) -> StepAutomaton {
        var classOf = [Int32](repeating: -1, count: relationCount * 2)
        for r in 0..<relationCount where !excluded.contains(Int32(r)) {
            if direction != .in { classOf[r * 2] = 0 }
            if direction != .out { classOf[r * 2 + 1] = 0 }
        }
        return StepAutomaton(classOf: classOf, classCount: 1, delta: [0], accepting: [true])
    }

    init(classOf: [Int32], classCount: Int, delta: [Int32], accepting: [Bool]) {
        self.classOf = classOf
        self.classCount = classCount
        self.stateCount = accepting.count
        self.delta = delta
        self.accepting = accepting
        isEmpty = accepting.isEmpty
        var o = false, i = false
        for (k, c) in classOf.enumerated() where c >= 0 { if k & 1 == 0 { o = true } else { i = true } }
        usesOut = o
        usesIn = i
        var counts = [Int32](repeating: 0, count: stateCount * classCount + 1)
        for p in 0..<stateCount {
            for c in 0..<classCount where delta[p * classCount + c] >= 0 { counts[Int(delta[p * classCount + c]) * classCount + c + 1] += 1 }
        }
        for i in 0..<(stateCount * classCount) { counts[i + 1] += counts[i] }
        var fill = counts
        var states = [Int32](repeating: 0, count: Int(counts.last ?? 0))
        for p in 0..<stateCount {
            for c in 0..<classCount where delta[p * classCount + c] >= 0 {
                let k = Int(delta[p * classCount + c]) * classCount + c
                states[Int(fill[k])] = Int32(p)
                fill[k] += 1
            }
        }
        reverseOffsets = counts
        reverseStates = states
    }

    /// Compiles `expression` against `snapshot`. A relation name missing from the snapshot but
    /// present in `inverses` (name → stored relation it is the inverse of) stands for `^stored`.
    static func compile(
        _ expression: PathExpression, snapshot: CSRSnapshot, inverses: [ExactName: String], direction: Direction,
        excluded: Set<Int32>
    ) throws -> StepAutomaton {
        // Atoms: (relation or nil for any, inverse).
        var atoms: [(Int32?, Bool)] = []
        var nfa = NFA()
        func resolve(_ name: String) throws -> (Int32, Bool) {
            if let r = snapshot.relation(named: name) { return (r, false) }
            if let stored = inverses[ExactName(name)], let r = snapshot.relation(named: stored) { return (r, true) }
            throw PathError.unknownRelation(name, suggestions: closeNames(to: name, in: Array(snapshot.relationNames) + inverses.keys.map(\.text)))
        }
        func build(_ e: PathExpression, _ from: Int, _ to: Int) throws {
            switch e {
            case .relation(let name, let inv):
                let (r, flip) = try resolve(name)
                atoms.append((r, inv != flip))
                nfa.add(from, atom: atoms.count - 1, to)
            case .anyRelation(let inv):
                atoms.append((nil, inv))
                nfa.add(from, atom: atoms.count - 1, to)
            case .sequence(let xs):
                var cur = from
                for (i, x) in xs.enumerated() {
                    let next = i == xs.count - 1 ? to : nfa.newState()
                    try build(x, cur, next)
                    cur = next
                }
            case .alternation(let xs):
                for x in xs { try build(x, from, to) }
            case .repetition(let x, let lo, let hi):
                var cur = from
                for _ in 0..<lo {
                    let next = nfa.newState()
                    try build(x, cur, next)
                    cur = next
                }
                if let hi {
                    for _ in lo..<hi {
                        let next = nfa.newState()
                        try build(x, cur, next)
                        nfa.epsilon(cur, to)
                        cur = next
                    }
                    nfa.epsilon(cur, to)
                } else {
                    let loop = nfa.newState()
                    nfa.epsilon(cur, loop)
                    try build(x, loop, loop)
                    nfa.epsilon(loop, to)
                }
            }
        }
        let start = nfa.newState(), accept = nfa.newState()
        try build(expression, start, accept)

        // Symbol classes: symbols matched by the same atoms behave alike.
        let relationCount = snapshot.relationCount
        var classOf = [Int32](repeating: -1, count: relationCount * 2)
        var signatures: [[Int]: Int32] = [:]
        var classAtoms: [[Int]] = []
        var byRelation: [Int32: [Int]] = [:]
        var anyAtoms: [Int] = []
        for (i, a) in atoms.enumerated() {
            if let r = a.0 { byRelation[r, default: []].append(i) } else { anyAtoms.append(i) }
        }
        func matches(_ atom: Int, _ dirIn: Bool) -> Bool {
            switch direction {
            case .both: return true
            case .out: return dirIn == atoms[atom].1
            case .in: return dirIn != atoms[atom].1
            }
        }
        for r in 0..<relationCount where !excluded.contains(Int32(r)) {
            for d in 0..<2 {
                var sig = anyAtoms.filter { matches($0, d == 1) }
                if let specific = byRelation[Int32(r)] { sig += specific.filter { matches($0, d == 1) } }
                if sig.isEmpty { continue }
                sig.sort()
                if let c = signatures[sig] {
                    classOf[r * 2 + d] = c
                } else {
                    let c = Int32(classAtoms.count)
                    signatures[sig] = c
                    classAtoms.append(sig)
                    classOf[r * 2 + d] = c
                }
            }
        }
        let classCount = max(1, classAtoms.count)

        // Subset construction.
        var dfaStates: [[Int]] = [nfa.closure([start])]
        var index: [[Int]: Int] = [dfaStates[0]: 0]
        var delta: [Int32] = []
        var accepting: [Bool] = []
        var i = 0
        while i < dfaStates.count {
            let set = dfaStates[i]
            accepting.append(set.contains(accept))
            for c in 0..<classCount {
                var next: Set<Int> = []
                if c < classAtoms.count {
                    let atomSet = classAtoms[c]
                    for s in set { for (a, t) in nfa.moves[s] where atomSet.contains(a) { next.insert(t) } }
                }
                if next.isEmpty { delta.append(-1); continue }
                let closed = nfa.closure(Array(next))
                if let j = index[closed] {
                    delta.append(Int32(j))
                } else {
                    guard dfaStates.count < maxStates else {
                        throw PathError.invalidArgument("the path expression needs more than \(maxStates) automaton states; simplify it")
                    }
                    index[closed] = dfaStates.count
                    delta.append(Int32(dfaStates.count))
                    dfaStates.append(closed)
                }
            }
            i += 1
        }

        // Keep only states that can still reach an accepting one.
        let q = dfaStates.count
        var live = accepting
        var changed = true
        while changed {
            changed = false
            for p in 0..<q where !live[p] {
                for c in 0..<classCount where delta[p * classCount + c] >= 0 && live[Int(delta[p * classCount + c])] {
                    live[p] = true
                    changed = true
                    break
                }
            }
        }
        guard live[0] else {
            return StepAutomaton(classOf: classOf, classCount: classCount, delta: [], accepting: [])
        }
        var renumber = [Int32](repeating: -1, count: q)
        var kept: [Int] = []
        for p in 0..<q where live[p] {
            renumber[p] = Int32(kept.count)
            kept.append(p)
        }
        var newDelta: [Int32] = []
        newDelta.reserveCapacity(kept.count * classCount)
        for p in kept {
            for c in 0..<classCount {
                let t = delta[p * classCount + c]
                newDelta.append(t >= 0 ? renumber[Int(t)] : -1)
            }
        }
        return StepAutomaton(classOf: classOf, classCount: classCount, delta: newDelta, accepting: kept.map { accepting[$0] })
    }
}

/// A Thompson automaton with ε-moves, built once per query.
struct NFA {
    var moves: [[(Int, Int)]] = []
    var epsilons: [[Int]] = []

    mutating func newState() -> Int {
        moves.append([])
        epsilons.append([])
        return moves.count - 1
    }

    mutating func add(_ from: Int, atom: Int, _ to: Int) { moves[from].append((atom, to)) }
    mutating func epsilon(_ from: Int, _ to: Int) { epsilons[from].append(to) }

    func closure(_ states: [Int]) -> [Int] {
        var seen = Set(states)
        var stack = states
        while let s = stack.popLast() {
            for t in epsilons[s] where seen.insert(t).inserted { stack.append(t) }
        }
        return seen.sorted()
    }
}
