import Foundation
import QuiverService

/// Prints a value as one line of JSON with sorted keys.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// Formats a count with thousands separators: 5000000 -> "5,000,000".
func grouped(_ n: Int) -> String { groupedCount(n) }
