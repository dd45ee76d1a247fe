import Foundation
import QuiverCore
import QuiverSPARQLSyntax

/// Expressions under a solution (§17): values are terms; an error is `ExpressionError`.
/// Aggregates are computed over `group`, the rows of the solution's group.
extension Evaluator {
    func evaluateExpression(_ e: Expression, _ row: [Int64], group: SolutionGroup? = nil) throws(ExpressionError) -> Term {
        switch e {
        case .variable(let v):
            guard let s = slots[v.name], s < row.count, let t = terms.term(row[s]) else { throw ExpressionError("?\(v.name) is unbound") }
            return t
        case .term(let t): return t
        case .unary(let op, let x):
            switch op {
            case .not: return .boolean(!(try SPARQLValues.effectiveBooleanValue(try evaluateExpression(x, row, group: group))))
            case .plus, .minus:
                guard let n = Numeric(try evaluateExpression(x, row, group: group)) else { throw ExpressionError("\(op.rawValue) takes a number") }
                return op == .plus ? n.term : try n.negated().term
            }
        case .binary(let op, let a, let b): return try binary(op, a, b, row, group)
        case .in(let x, let list): return .boolean(try member(x, list, row, group))
        case .notIn(let x, let list): return .boolean(!(try member(x, list, row, group)))
        case .builtIn(let f, let args): return try builtIn(f, args, row, group)
        case .exists(let g): return .boolean(try exists(g, row))
        case .notExists(let g): return .boolean(!(try exists(g, row)))
        case .function(let iri, let args, _):
            if Casts.isCastTarget(iri) {
                guard args.count == 1 else { throw ExpressionError("a cast to <\(iri)> takes one argument") }
                return try Casts.cast(try evaluateExpression(args[0], row, group: group), to: iri)
            }
            guard let extensions else { throw ExpressionError("unknown function <\(iri)>") }
            var values: [Term] = []
            for a in args { values.append(try evaluateExpression(a, row, group: group)) }
            guard let value = try extensions.call(iri, values, graph: currentGraph ?? dataset.defaultGraph) else { throw ExpressionError("unknown function <\(iri)>") }
            return value
        case .aggregate(let a):
            guard let group else { throw ExpressionError("an aggregate outside a group") }
            return try aggregate(a, group)
        }
    }

    private func exists(_ g: GroupGraphPattern, _ row: [Int64]) throws(ExpressionError) -> Bool {
        do {
            return !(try evaluate(g, graph: currentGraph, initial: row)).isEmpty
        } catch {
            throw ExpressionError("EXISTS: \(error)")
        }
    }

    private func member(_ x: Expression, _ list: [Expression], _ row: [Int64], _ group: SolutionGroup?) throws(ExpressionError) -> Bool {
        let v = try evaluateExpression(x, row, group: group)
        var failure: ExpressionError?
        for item in list {
            do {
                if try SPARQLValues.equal(v, try evaluateExpression(item, row, group: group)) { return true }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return false
    }

    private func binary(_ op: BinaryOperator, _ a: Expression, _ b: Expression, _ row: [Int64], _ group: SolutionGroup?) throws(ExpressionError) -> Term {
        switch op {
        case .or, .and:
            // An error on one side is forgiven when the other decides (§17.2).
            let x = Result { () throws(ExpressionError) in try SPARQLValues.effectiveBooleanValue(try evaluateExpression(a, row, group: group)) }
            let y = Result { () throws(ExpressionError) in try SPARQLValues.effectiveBooleanValue(try evaluateExpression(b, row, group: group)) }
            let decides = op == .or
            if case .success(decides) = x { return .boolean(decides) }
            if case .success(decides) = y { return .boolean(decides) }
            // Neither side decides: both are the other value, or one erred.
            _ = try x.get()
            _ = try y.get()
            return .boolean(!decides)
        default: break
        }
        let x = try evaluateExpression(a, row, group: group), y = try evaluateExpression(b, row, group: group)
        switch op {
        case .equal: return .boolean(try SPARQLValues.equal(x, y))
        case .notEqual: return .boolean(!(try SPARQLValues.equal(x, y)))
        case .less, .greater, .lessOrEqual, .greaterOrEqual:
            guard let order = try SPARQLValues.compare(x, y) else { return .boolean(false) }
            switch op {
            case .less: return .boolean(order == .orderedAscending)
            case .greater: return .boolean(order == .orderedDescending)
            case .lessOrEqual: return .boolean(order != .orderedDescending)
            default: return .boolean(order != .orderedAscending)
            }
        default:
            guard let p = Numeric(x), let q = Numeric(y) else { throw ExpressionError("\(op.rawValue) takes numbers") }
            switch op {
            case .add: return try (p + q).term
            case .subtract: return try (p - q).term
            case .multiply: return try (p * q).term
            default: return try (p / q).term
            }
        }
    }

    // MARK: Built-in calls

    private func builtIn(_ f: BuiltInFunction, _ args: [Expression], _ row: [Int64], _ group: SolutionGroup?) throws(ExpressionError) -> Term {
        func arg(_ i: Int) throws(ExpressionError) -> Term { try evaluateExpression(args[i], row, group: group) }
        func optionalArg(_ i: Int) throws(ExpressionError) -> Term? { i < args.count ? try arg(i) : nil }
        func dateTime() throws(ExpressionError) -> XSDDateTime {
            guard let d = XSDDateTime(try arg(0)) else { throw ExpressionError("\(f.rawValue) takes an xsd:dateTime") }
            return d
        }
        func number() throws(ExpressionError) -> Numeric {
            guard let n = Numeric(try arg(0)) else { throw ExpressionError("\(f.rawValue) takes a number") }
            return n
        }
        func digest(_ d: Digest) throws(ExpressionError) -> Term {
            let t = try arg(0)
            guard t.isSimpleString else { throw ExpressionError("\(f.rawValue) takes a simple literal or xsd:string") }
            return .literal(d.hex(t.value), datatype: nil, language: nil)
        }
        switch f {
        case .bound:
            guard case .variable(let v) = args[0] else { throw ExpressionError("BOUND takes a variable") }
            guard let s = slots[v.name], s < row.count else { return .boolean(false) }
            return .boolean(row[s] != Binding.unbound)
        case .coalesce:
            for a in args { if let v = try? evaluateExpression(a, row, group: group) { return v } }
            throw ExpressionError("COALESCE: no argument has a value")
        case .if:
            return try SPARQLValues.effectiveBooleanValue(try arg(0)) ? try arg(1) : try arg(2)
        case .str:
            switch try arg(0) {
            case .iri(let v), .name(let v): return .literal(v, datatype: nil, language: nil)
            case .literal(let v, _, _): return .literal(v, datatype: nil, language: nil)
            case .blank: throw ExpressionError("STR of a blank node")
            }
        case .lang:
            guard case .literal(_, _, let lang) = try arg(0) else { throw ExpressionError("LANG takes a literal") }
            return .literal(lang ?? "", datatype: nil, language: nil)
        case .datatype:
            guard let dt = try arg(0).datatypeIRI else { throw ExpressionError("DATATYPE takes a literal") }
            return .iri(dt)
        case .iri:
            switch try arg(0) {
            case .iri(let v): return .iri(v)
            case let t where t.isSimpleString: return .iri(resolve(t.value))
            default: throw ExpressionError("IRI takes an IRI or a simple literal")
            }
        case .bnode:
            if args.isEmpty { return freshBlankNode() }
            let t = try arg(0)
            guard t.isSimpleString else { throw ExpressionError("BNODE takes a simple literal") }
            return blankNode(for: t.value)
        case .rand: return Numeric.double(Double.random(in: 0..<1)).term
        case .abs: return try number().absolute.term
        case .ceil: return try number().ceiling.term
        case .floor: return try number().floor.term
        case .round: return try number().rounded.term
        case .concat:
            var values: [Term] = []
            for i in args.indices { values.append(try arg(i)) }
            return try StringFunctions.concat(values)
        case .substr: return try StringFunctions.substr(try arg(0), try arg(1), try optionalArg(2))
        case .strlen: return try StringFunctions.strlen(try arg(0))
        case .replace: return try StringFunctions.replace(try arg(0), try arg(1), try arg(2), try optionalArg(3))
        case .ucase: return try StringFunctions.ucase(try arg(0))
        case .lcase: return try StringFunctions.lcase(try arg(0))
        case .encodeForURI: return try StringFunctions.encodeForURI(try arg(0))
        case .contains: return try StringFunctions.contains(try arg(0), try arg(1))
        case .strStarts: return try StringFunctions.strstarts(try arg(0), try arg(1))
        case .strEnds: return try StringFunctions.strends(try arg(0), try arg(1))
        case .strBefore: return try StringFunctions.strbefore(try arg(0), try arg(1))
        case .strAfter: return try StringFunctions.strafter(try arg(0), try arg(1))
        case .year: return .integer(Int64(try dateTime().year))
        case .month: return .integer(Int64(try dateTime().month))
        case .day: return .integer(Int64(try dateTime().day))
        case .hours: return .integer(Int64(try dateTime().hour))
        case .minutes: return .integer(Int64(try dateTime().minute))
        case .seconds: return Numeric.decimal(try dateTime().second).term
        case .timezone: return try dateTime().timezoneTerm
        case .tz: return .literal(try dateTime().tzString, datatype: nil, language: nil)
        case .now: return now
        case .uuid: return .iri("urn:uuid:" + UUID().uuidString.lowercased())
        case .strUUID: return .literal(UUID().uuidString.lowercased(), datatype: nil, language: nil)
        case .md5: return try digest(.md5)
        case .sha1: return try digest(.sha1)
        case .sha256: return try digest(.sha256)
        case .sha384: return try digest(.sha384)
        case .sha512: return try digest(.sha512)
        case .strLang: return try StringFunctions.strlang(try arg(0), try arg(1))
        case .strDT: return try StringFunctions.strdt(try arg(0), try arg(1))
        case .sameTerm: return .boolean(SPARQLValues.sameTerm(try arg(0), try arg(1)))
        case .isIRI:
            if case .iri = try arg(0) { return .boolean(true) }
            return .boolean(false)
        case .isBlank:
            if case .blank = try arg(0) { return .boolean(true) }
            return .boolean(false)
        case .isLiteral:
            if case .literal = try arg(0) { return .boolean(true) }
            return .boolean(false)
        case .isNumeric: return .boolean(Numeric(try arg(0)) != nil)
        case .regex: return try StringFunctions.regex(try arg(0), try arg(1), try optionalArg(2))
        case .langMatches: return try StringFunctions.langMatches(try arg(0), try arg(1))
        }
    }

    /// A relative IRI resolved against the query's base.
    private func resolve(_ iri: String) -> String {
        guard let base = baseIRI, !iri.contains(":") else { return iri }
        return URL(string: iri, relativeTo: URL(string: base))?.absoluteString ?? iri
    }
}
