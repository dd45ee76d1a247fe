/// What a request asks for once classified, with the parameters the protocols do not define.
public struct ProtocolRequest<Operation: Sendable & Equatable>: Sendable, Equatable {
    public var operation: Operation
    /// The `format=` or `output=` parameter, which overrides `Accept`
    /// (see `ContentNegotiation.choose(from:accept:format:)`); nil when absent.
    public var formatParameter: FormParameter?
    /// Every other parameter the protocol does not define (`timeout=`, say), in order, for the
    /// daemon to use or ignore.
    public var otherParameters: [FormParameter]

    public init(_ operation: Operation, formatParameter: FormParameter? = nil, otherParameters: [FormParameter] = []) {
        self.operation = operation
        self.formatParameter = formatParameter
        self.otherParameters = otherParameters
    }
}

/// The parameters of a request, taken out by name as the classifiers use them: each use removes
/// what it read, so what is left at the end are the parameters no rule claimed.
struct ParameterBag {
    private(set) var remaining: [FormParameter]

    init(_ parameters: [FormParameter]) { remaining = parameters }

    func has(_ name: String) -> Bool { remaining.contains { $0.name == name } }

    /// Every value of `name`, in order, removed from the bag.
    mutating func take(_ name: String) -> [String] {
        let values = remaining.filter { $0.name == name }.map(\.value)
        remaining.removeAll { $0.name == name }
        return values
    }

    /// The one value of `name`, or nil; twice is a 400.
    mutating func takeSingle(_ name: String) throws(HTTPRequestError) -> String? {
        let values = take(name)
        guard values.count <= 1 else { throw .duplicateParameter(name) }
        return values.first
    }

    /// Every value of `name`, each checked to be an absolute IRI.
    mutating func takeIRIs(_ name: String) throws(HTTPRequestError) -> [String] {
        let values = take(name)
        for value in values {
            if let problem = IRICheck.problem(value) { throw .invalidIRI(parameter: name, value: value, problem: problem) }
        }
        return values
    }

    /// The request with `operation`, the format parameter and what is left.
    mutating func request<Operation>(_ operation: Operation) throws(HTTPRequestError) -> ProtocolRequest<Operation> {
        let format = try ContentNegotiation.formatParameter(in: remaining)
        remaining.removeAll { $0.name == "format" || $0.name == "output" }
        return ProtocolRequest(operation, formatParameter: format, otherParameters: remaining)
    }
}
