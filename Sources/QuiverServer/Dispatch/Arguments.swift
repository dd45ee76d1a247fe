import QuiverCore
import QuiverProtocol
import QuiverService

/// The words of a command, read front to back: positionals, then `NAME value` options and flags.
/// Option names are case-insensitive and may be written as the CLI's (`--max-hops`), or without
/// dashes (`MAXHOPS`), or with underscores (`MAX_HOPS`).
struct Arguments {
    let command: String
    private let words: [[UInt8]]
    private(set) var index = 1

    init(_ command: Command) {
        self.command = command.name
        self.words = command.arguments
    }

    var isAtEnd: Bool { index >= words.count }
    var remaining: Int { words.count - index }

    /// The next word as text, or a WRONGARGS error naming what was expected. The text has exactly
    /// the word's bytes: a word that is not valid UTF-8 is refused (as the file readers refuse such
    /// a file), never repaired with U+FFFD, which would make `g\xFE` and `g\xFF` one graph.
    mutating func string(_ what: String) throws(CommandError) -> String {
        guard index < words.count else { throw .wrongArgs("\(command) needs \(what) (see COMMAND DOCS \(command))") }
        let word = words[index]
        guard let text = String(validating: word, as: UTF8.self) else {
            let offset = UTF8Validation.firstInvalidOffset(word) ?? 0
            let hex = String(word[min(offset, word.count - 1)], radix: 16)
            throw refusal(at: index, what, "is not valid UTF-8 (byte 0x\(hex.count < 2 ? "0" + hex : hex) at offset \(offset))")
        }
        index += 1
        return text
    }

    /// Every word not yet taken, as bytes (a verb's parser checks each as it takes it).
    var remainingBytes: [[UInt8]] { Array(words[min(index, words.count)...]) }

    /// A WRONGARGS error about the word at `position` (1 is the first word after the command).
    func refusal(at position: Int, _ what: String, _ problem: String) -> CommandError {
        .wrongArgs("\(command): argument \(position) (\(what)) \(problem)")
    }

    mutating func bytes(_ what: String) throws(CommandError) -> [UInt8] {
        guard index < words.count else { throw .wrongArgs("\(command) needs \(what)") }
        defer { index += 1 }
        return words[index]
    }

    /// The next word without taking it, for matching option names: lenient (invalid UTF-8 becomes
    /// U+FFFD, which matches no option), so a value must still be taken with `string(_:)`, which
    /// refuses it.
    func peek() -> String? { index < words.count ? String(decoding: words[index], as: UTF8.self) : nil }

    /// The next word's option name (normalized), without taking it.
    func peekOption() -> String? { peek().map(Self.normalize) }

    mutating func skip() { index += 1 }

    /// `MAX-HOPS`, `--max-hops`, `max_hops`, `MAXHOPS` → `maxhops`.
    static func normalize(_ word: String) -> String {
        OptionSpec.normalize(word)
    }
}
