/// The HTTP statuses the protocol decides on. The daemon turns one into its server library's
/// status by `code`.
public enum HTTPStatus: Int, Sendable, CaseIterable, CustomStringConvertible {
    case ok = 200
    case created = 201
    case noContent = 204
    case badRequest = 400
    case unauthorized = 401
    case forbidden = 403
    case notFound = 404
    case methodNotAllowed = 405
    case notAcceptable = 406
    case payloadTooLarge = 413
    case unsupportedMediaType = 415

    public var code: Int { rawValue }

    /// The reason phrase of RFC 9110 (`Not Acceptable`).
    public var reasonPhrase: String {
        switch self {
        case .ok: "OK"
        case .created: "Created"
        case .noContent: "No Content"
        case .badRequest: "Bad Request"
        case .unauthorized: "Unauthorized"
        case .forbidden: "Forbidden"
        case .notFound: "Not Found"
        case .methodNotAllowed: "Method Not Allowed"
        case .notAcceptable: "Not Acceptable"
        case .payloadTooLarge: "Content Too Large"
        case .unsupportedMediaType: "Unsupported Media Type"
        }
    }

    /// `406 Not Acceptable`.
    public var description: String { "\(code) \(reasonPhrase)" }
}
