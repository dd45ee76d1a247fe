/// A syntax error in an input file, with everything a user needs to find and fix it.
///
/// `line` and `column` are 1-based; the column counts Unicode scalars from the start of the line.
public struct ParseError: PresentableError, Sendable, Equatable {
    /// The file name as the user gave it (`-` for standard input).
    public var file: String
    public var line: Int
    public var column: Int
    /// What was found at that position (a short excerpt, or `end of input`).
    public var found: String
    /// What the parser expected there.
    public var expected: String

    public init(file: String, line: Int, column: Int, found: String, expected: String) {
        self.file = file
        self.line = line
        self.column = column
        self.found = found
        self.expected = expected
    }

    public var category: ErrorCategory { .invalidInput }

    public var message: ErrorMessage {
        "\(file):\(line):\(column): found \(found), expected \(expected)"
    }
}
