import QuiverCore
import QuiverStore

/// `quiver add` / `ADD` and `quiver del` / `DEL`: triples written or deleted together (all or
/// none), acknowledged once committed and visible to the next read. The daemon commits the writes
/// of all its connections together (`GroupCommit`).
public struct TripleWriteRequest<Kind: TripleWriteKind>: GroupCommittedVerb {
    public static var spec: VerbSpec {
        VerbSpec(
            Kind.name, summary: Kind.summary,
            positionals: [PositionalSpec("graph", "The graph."),
                          PositionalSpec("s p o", "Triples: subject, predicate, object (each <iri>, _:blank or a plain name), one or more.",
                                         .oneOrMore, noun: "term", group: 3, groupNouns: ["subject", "predicate", "object"])],
            options: Kind.isAdd ? [
                OptionSpec("provenance", .choice(Provenance.allCases.map(\.description)), value: "p", help: "Where the fact comes from.", default: "asserted"),
                OptionSpec("split", .text, value: "s", help: "The dataset split: train, valid or test."),
            ] : [],
            examples: Kind.examples, outputs: [], writes: true, cheap: true)
    }

    public var graph: String
    /// Written together: all of them or none.
    public var triples: [Triple]
    public var provenance = Provenance.asserted
    public var split: Split?

    public init(_ args: ParsedArguments) throws(RequestError) {
        graph = args.positional("graph") ?? ""
        let words = args.positionals("s p o")
        var terms: [Term] = []
        for (i, word) in words.enumerated() {
            let term = Term(commandWord: word)
            if let problem = term.problem {
                let noun = ["a subject", "a predicate", "an object"][i % 3]
                // As the daemon numbers words: the graph is argument 1.
                throw args.surface == .daemon
                    ? .usage("\(Self.spec.daemonName): argument \(i + 2) (\(noun)) \(problem.description)")
                    : .usage("\(noun.split(separator: " ").last ?? "") \(problem.description)")
            }
            terms.append(term)
        }
        triples = stride(from: 0, to: terms.count - 2, by: 3).map { Triple(terms[$0], terms[$0 + 1], terms[$0 + 2]) }
        provenance = args.text("provenance").flatMap(Provenance.init(name:)) ?? .asserted
        split = try args.split("split")
    }

    public var write: SmallWrite {
        SmallWrite(graph: graph, kind: Kind.isAdd ? .add(provenance: provenance, split: split) : .delete, triples: triples)
    }

    public func answer(_ report: SmallWriteReport, in context: any GraphContext) -> Int {
        // Read-your-writes on every connection: the next query sees at least this state.
        if report.changed > 0 { context.wrote(graph, changeSeq: report.changeSeq) }
        return report.changed
    }

    public func text(_ changed: Int) -> String { "\(Kind.isAdd ? "added" : "deleted") \(changed)" }
}

/// What tells ADD from DEL.
public protocol TripleWriteKind: Sendable {
    static var name: String { get }
    static var summary: String { get }
    static var examples: [String] { get }
    static var isAdd: Bool { get }
}

public enum AddKind: TripleWriteKind {
    public static let name = "add"
    public static let summary = "Add triples (the graph is created if needed); the count of new triples."
    public static let examples = ["add demo erin likes pizza", "add demo erin likes pizza erin likes pasta --split train",
                                  "add demo '<http://x/a>' '<http://x/p>' '<http://x/b>'"]
    public static let isAdd = true
}

public enum DelKind: TripleWriteKind {
    public static let name = "del"
    public static let summary = "Delete triples; the count removed."
    public static let examples = ["del demo erin likes pizza", "del demo erin likes pizza erin likes pasta"]
    public static let isAdd = false
}

public typealias AddRequest = TripleWriteRequest<AddKind>
public typealias DelRequest = TripleWriteRequest<DelKind>

extension Term {
    /// A term as a command spells it: `<iri>` is an IRI, `_:b` a blank node, anything else a plain
    /// name (as in TSV files). Decided on bytes, not `Character`s: `<` followed by a combining
    /// mark is one `Character` that is not `<`, yet the stored IRI must be exactly the bytes
    /// between the brackets.
    public init(commandWord word: String) {
        let bytes = word.utf8
        if bytes.count >= 2 && bytes.first == UInt8(ascii: "<") && bytes.last == UInt8(ascii: ">") {
            self = .iri(String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self))
        } else if bytes.count > 2 && bytes.starts(with: "_:".utf8) {
            self = .blank(String(decoding: bytes.dropFirst(2), as: UTF8.self))
        } else {
            self = .name(word)
        }
    }
}
