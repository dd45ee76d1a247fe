/// Any of the four readers, chosen by format.
///
/// Each reader takes the whole document and gives back the results, or throws a
/// `ResultsReadError` saying where the input went wrong and what was expected there. No input
/// makes a reader crash or loop: nesting is bounded, every byte sequence is either read or refused.
///
/// ```swift
/// let bytes = Array("?x\n<http://example/a>\n".utf8)
/// let answer = try ResultsReader.read(bytes, as: .tsv)
/// // .solutions(SolutionSequence(variables: ["x"], rows: [[.iri("http://example/a")]]))
/// ```
public enum ResultsReader {
    public static func read(_ bytes: [UInt8], as format: ResultsFormat) throws -> QueryResults {
        switch format {
        case .json: try JSONResultsReader.read(bytes)
        case .xml: try XMLResultsReader.read(bytes)
        case .csv: try CSVResultsReader.read(bytes)
        case .tsv: try TSVResultsReader.read(bytes)
        }
    }
}
