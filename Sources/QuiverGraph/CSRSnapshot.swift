import QuiverCore

/// An immutable in-memory view of one graph: forward and reverse adjacency in compressed sparse row
/// form, with the relation, provenance and split of every edge, and dense 32-bit node and relation
/// ids mapped to their terms.
///
/// Out-edges of node `u` are `outOffsets[u] ..< outOffsets[u + 1]` in `outTargets` / `outRelations`,
/// ordered by (relation, target); in-edges likewise in `inSources` / `inRelations`, ordered by
/// (relation, source), with `inEdges` giving each in-edge's index in the forward arrays.
///
/// ```swift
/// let snap = try SnapshotLoader(store: store).build(graph: "nations")
/// let usa = snap.node(named: "usa")!
/// for e in snap.outEdges(of: usa) { print(snap.relationName(snap.outRelations[e]), snap.nodeName(snap.outTargets[e])) }
/// ```
public final class CSRSnapshot: Sendable {
    public let graph: String
    /// The graph's change sequence when this snapshot was read; newer writes make it stale.
    public let changeSeq: Int64

    public let nodeTerms: [Term]
    public let relationTerms: [Term]
    public let nodeTermIDs: [Int64]
    public let relationTermIDs: [Int64]

    public let outOffsets: [Int]
    public let outTargets: [Int32]
    public let outRelations: [Int32]
    /// Per forward edge: `Provenance.rawValue`.
    public let provenance: [UInt8]
    /// Per forward edge: `Split.rawValue`, or -1 for none.
    public let split: [Int8]

    public let inOffsets: [Int]
    public let inSources: [Int32]
    public let inRelations: [Int32]
    public let inEdges: [Int32]

    public var nodeCount: Int { nodeTerms.count }
    public var relationCount: Int { relationTerms.count }
    public var edgeCount: Int { outTargets.count }

    init(
        graph: String, changeSeq: Int64, nodeTerms: [Term], relationTerms: [Term], nodeTermIDs: [Int64],
        relationTermIDs: [Int64], outOffsets: [Int], outTargets: [Int32], outRelations: [Int32],
        provenance: [UInt8], split: [Int8], inOffsets: [Int], inSources: [Int32], inRelations: [Int32],
        inEdges: [Int32]
    ) {
        self.graph = graph
        self.changeSeq = changeSeq
        self.nodeTerms = nodeTerms
        self.relationTerms = relationTerms
        self.nodeTermIDs = nodeTermIDs
        self.relationTermIDs = relationTermIDs
        self.outOffsets = outOffsets
        self.outTargets = outTargets
        self.outRelations = outRelations
        self.provenance = provenance
        self.split = split
        self.inOffsets = inOffsets
        self.inSources = inSources
        self.inRelations = inRelations
        self.inEdges = inEdges
    }

    // MARK: Names

    /// The node whose display name is `name`: a plain name, an IRI with or without `<>`, `_:label`,
    /// or a literal in N-Triples form (`"chat"@fr`, `"1"^^<…#integer>`). Found by the term's id, with
    /// a binary search over the id-ordered nodes: no string index is kept.
    public func node(named name: String) -> Int32? {
        for term in Term.candidates(forDisplayName: name) {
            if let i = Self.search(nodeTermIDs, term.id.rawValue) { return Int32(i) }
        }
        return nil
    }

    /// The relation whose display name is `name` (as for `node(named:)`).
    public func relation(named name: String) -> Int32? {
        for term in Term.candidates(forDisplayName: name) {
            if let i = Self.search(relationTermIDs, term.id.rawValue) { return Int32(i) }
        }
        return nil
    }

    private static func search(_ ids: [Int64], _ id: Int64) -> Int? {
        var lo = 0, hi = ids.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ids[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < ids.count && ids[lo] == id ? lo : nil
    }

    public func nodeName(_ n: Int32) -> String { nodeTerms[Int(n)].displayName }
    public func relationName(_ r: Int32) -> String { relationTerms[Int(r)].displayName }

    /// All node display names, in dense id order (for suggestions and listings).
    public var nodeNames: [String] { nodeTerms.map(\.displayName) }
    /// All relation display names, in dense id order.
    public var relationNames: [String] { relationTerms.map(\.displayName) }

    // MARK: Adjacency

    @inline(__always) public func outEdges(of u: Int32) -> Range<Int> {
        outOffsets[Int(u)] ..< outOffsets[Int(u) + 1]
    }

    @inline(__always) public func inEdgeRange(of v: Int32) -> Range<Int> {
        inOffsets[Int(v)] ..< inOffsets[Int(v) + 1]
    }

    public func outDegree(_ u: Int32) -> Int { outOffsets[Int(u) + 1] - outOffsets[Int(u)] }
    public func inDegree(_ v: Int32) -> Int { inOffsets[Int(v) + 1] - inOffsets[Int(v)] }

    /// The source node of forward edge `e` (found by binary search over the offsets).
    public func source(ofEdge e: Int) -> Int32 {
        var lo = 0, hi = nodeCount
        while lo + 1 < hi {
            let mid = (lo + hi) / 2
            if outOffsets[mid] <= e { lo = mid } else { hi = mid }
        }
        return Int32(lo)
    }

    /// Bytes held by the adjacency arrays and id maps (names not counted).
    public var adjacencyBytes: Int {
        outOffsets.count * 8 + inOffsets.count * 8 + outTargets.count * 4 + outRelations.count * 4
            + provenance.count + split.count + inSources.count * 4 + inRelations.count * 4 + inEdges.count * 4
            + nodeTermIDs.count * 8 + relationTermIDs.count * 8
    }
}

extension Term {
    /// How Quiver shows a term: plain names and IRIs bare, blank nodes as `_:label`, literals in
    /// N-Triples form (`"chat"@fr`, `"1"^^<http://www.w3.org/2001/XMLSchema#integer>`).
    public var displayName: String {
        switch self {
        case .name(let v), .iri(let v): return v
        case .blank(let v): return "_:" + v
        case .literal(let v, let dt, let lang):
            var s = "\"" + escapeLiteral(v) + "\""
            if let lang { s += "@" + lang } else if let dt { s += "^^<" + dt + ">" }
            return s
        }
    }
}

extension Term {
    /// The terms a user may mean by a display name: a plain name or IRI, `<iri>`, `_:label`, or a
    /// literal in N-Triples form. The marks are matched and cut as bytes: `<` followed by a
    /// combining mark is one `Character` that is not `<`, yet it opens an IRI's display name.
    static func candidates(forDisplayName name: String) -> [Term] {
        let bytes = name.utf8
        if bytes.count >= 2, bytes.first == UInt8(ascii: "<"), bytes.last == UInt8(ascii: ">") {
            return [.iri(String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self))]
        }
        if bytes.starts(with: "_:".utf8) { return [.blank(String(decoding: bytes.dropFirst(2), as: UTF8.self)), .name(name)] }
        if bytes.first == UInt8(ascii: "\""), let literal = parseLiteral(name) { return [literal, .name(name)] }
        return [.name(name), .iri(name)]
    }

    private static func parseLiteral(_ text: String) -> Term? {
        let chars = Array(text.unicodeScalars)
        var value = String.UnicodeScalarView()
        var i = 1
        while i < chars.count && chars[i] != "\"" {
            if chars[i] == "\\", i + 1 < chars.count {
                switch chars[i + 1] {
                case "n": value.append("\n")
                case "r": value.append("\r")
                case "t": value.append("\t")
                default: value.append(chars[i + 1])
                }
                i += 2
            } else {
                value.append(chars[i])
                i += 1
            }
        }
        guard i < chars.count else { return nil }
        let rest = chars[(i + 1)...]
        let lexical = String(value)
        if rest.isEmpty { return .literal(lexical, datatype: nil, language: nil) }
        if rest.first == "@" { return .literal(lexical, datatype: nil, language: String(String.UnicodeScalarView(rest.dropFirst()))) }
        if rest.starts(with: ["^", "^", "<"]), rest.count >= 4, rest.last == ">" {
            return .literal(lexical, datatype: String(String.UnicodeScalarView(rest.dropFirst(3).dropLast())), language: nil)
        }
        return nil
    }
}

private func escapeLiteral(_ v: String) -> String {
    var out = ""
    out.reserveCapacity(v.utf8.count)
    for ch in v.unicodeScalars {
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out
}
