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

func headerLines(_ lines: [String]) -> [(name: String, value: String)] {
    lines.map { line in
        let colon = line.firstIndex(of: ":") ?? line.endIndex
        let value = colon < line.endIndex ? line[line.index(after: colon)...].drop { $0 == " " } : ""
        return (name: String(line[..<colon]), value: String(value))
    }
}
