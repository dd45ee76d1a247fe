/// The four SPARQL 1.1 Query Results formats.
///
/// ```swift
/// let format = ResultsFormat(mediaType: "application/sparql-results+json")   // .json
/// format?.fileExtension                                                        // "srj"
/// ```
public enum ResultsFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// SPARQL 1.1 Query Results JSON Format.
    case json
    /// SPARQL Query Results XML Format (Second Edition).
    case xml
    /// SPARQL 1.1 Query Results CSV Format: lossy, strings only.
    case csv
    /// SPARQL 1.1 Query Results TSV Format: terms in their Turtle syntax.
    case tsv

    public var mediaType: String {
        switch self {
        case .json: "application/sparql-results+json"
        case .xml: "application/sparql-results+xml"
        case .csv: "text/csv; charset=utf-8"
        case .tsv: "text/tab-separated-values; charset=utf-8"
        }
    }

    /// The usual file extension, without the dot (`srj`, `srx`, `csv`, `tsv`).
    public var fileExtension: String {
        switch self {
        case .json: "srj"
        case .xml: "srx"
        case .csv: "csv"
        case .tsv: "tsv"
        }
    }

    /// The format of a file extension (`srj`, `srx`, `csv`, `tsv`, also `json` and `xml`), any case.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "srj", "json": self = .json
        case "srx", "xml": self = .xml
        case "csv": self = .csv
        case "tsv": self = .tsv
        default: return nil
        }
    }

    /// The format of a media type, ignoring parameters (`; charset=…`) and case.
    public init?(mediaType: String) {
        let bare = mediaType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces.lowercased() } ?? ""
        switch bare {
        case "application/sparql-results+json", "application/json": self = .json
        case "application/sparql-results+xml", "application/xml", "text/xml": self = .xml
        case "text/csv": self = .csv
        case "text/tab-separated-values": self = .tsv
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .json: "JSON"
        case .xml: "XML"
        case .csv: "CSV"
        case .tsv: "TSV"
        }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}
