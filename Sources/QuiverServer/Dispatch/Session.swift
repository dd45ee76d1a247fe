import QuiverCore

/// What the server knows about one connection. A value: the dispatcher changes it, the handler keeps it.
public struct Session: Sendable {
    public var id: Int64
    /// 2 until `HELLO 3`.
    public var protocolVersion = 2
    public var authenticated: Bool
    public var name: String?
    public var libraryName: String?
    public var libraryVersion: String?
    public var remoteAddress: String
    /// Set when the connection closes: the command it was running stops.
    public let cancellation = CancellationToken()

    public init(id: Int64, authenticated: Bool, remoteAddress: String = "") {
        self.id = id
        self.authenticated = authenticated
        self.remoteAddress = remoteAddress
    }
}
