import QuiverSPARQLProtocol

/// The error `body` throws, or nil when it returns: tests then check its status and message.
func refusal<T>(_ body: () throws(HTTPRequestError) -> T) -> HTTPRequestError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// A request to the SPARQL endpoint, headers given as `Name: value` lines.
func sparql(
    _ method: String, _ target: String, _ headers: [String] = [], body: String = "", maxBodyBytes: Int = 1 << 20
) throws(HTTPRequestError) -> ProtocolRequest<SPARQLOperation> {
    try SPARQLEndpoint.classify(method: method, target: target, headers: headerLines(headers), body: Array(body.utf8), maxBodyBytes: maxBodyBytes)
}

/// A request to the Graph Store endpoint.
func store(
    _ method: String, _ target: String, _ headers: [String] = [], body: String = "", maxBodyBytes: Int = 1 << 20
) throws(HTTPRequestError) -> ProtocolRequest<GraphStoreOperation> {
    try GraphStore.classify(method: method, target: target, headers: headerLines(headers), body: Array(body.utf8), maxBodyBytes: maxBodyBytes)
}

func headerLines(_ lines: [String]) -> [(name: String, value: String)] {
    lines.map { line in
        let colon = line.firstIndex(of: ":") ?? line.endIndex
        let value = colon < line.endIndex ? line[line.index(after: colon)...].drop { $0 == " " } : ""
        return (name: String(line[..<colon]), value: String(value))
    }
}

let form = "Content-Type: application/x-www-form-urlencoded"
