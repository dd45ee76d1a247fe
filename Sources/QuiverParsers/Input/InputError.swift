#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import QuiverCore

/// Why an input could not be read, naming the path the user gave (`-` for standard input).
///
/// Syntax errors inside the bytes are `ParseError`s; these are the failures below them: the file is
/// missing or unreadable, the operating system failed a read, or compressed data is damaged.
public enum InputError: PresentableError, Sendable, Equatable {
    /// `open` failed; `reason` is the system's text for `errno` (e.g. "No such file or directory").
    case cannotOpen(path: String, reason: String)
    /// `read` failed after the file was opened.
    case readFailed(path: String, reason: String)
    /// The gzip or zlib stream is damaged or truncated; `reason` comes from zlib where it says one.
    case corruptGzip(path: String, reason: String)
    /// The path names a FIFO, socket, device or directory (`kind` says which): only regular files are read.
    case notRegularFile(path: String, kind: String)
    /// A component of the path (`link`, relative to the directory it was looked up in) is a
    /// symbolic link, and this file is read only where no link leads.
    case throughLink(path: String, link: String)
    /// The path leads out of `directory` (`..`, or the opened file lies elsewhere).
    case outsideDirectory(path: String, directory: String)

    /// The path the error is about.
    public var path: String {
        switch self {
        case .cannotOpen(let path, _), .readFailed(let path, _), .corruptGzip(let path, _), .notRegularFile(let path, _),
             .throughLink(let path, _), .outsideDirectory(let path, _): path
        }
    }

    /// All invalid input, the missing file too: the fix is a path or a file the person gives, and
    /// a file is not one of the things `notFound` names (graphs, models, nodes, relations, jobs).
    public var category: ErrorCategory { .invalidInput }

    public var message: ErrorMessage {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open \(path): \(reason)"
        case .readFailed(let path, let reason): "cannot read \(path): \(reason)"
        case .corruptGzip(let path, let reason): "corrupt gzip data in \(path): \(reason)"
        case .notRegularFile(let path, let kind): "cannot read \(path): it is \(kind), not a regular file"
        case .throughLink(let path, let link): "cannot read \(path): '\(link)' is a symbolic link, and links are not followed here"
        case .outsideDirectory(let path, let directory): "'\(path)' is outside the directory \(directory)"
        }
    }

    /// The system's message for an `errno` value.
    static func systemMessage(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
