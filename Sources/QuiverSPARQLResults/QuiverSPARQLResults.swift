// QuiverSPARQLResults: the SPARQL 1.1 Query Results formats (JSON, XML, CSV, TSV), written as
// rows come and read back. Pure values and functions over terms: no graph, no store.
//
// Model/       QueryResults and SolutionSequence, the formats, the errors.
// Writing/     one streaming writer per format, and ResultsWriter that picks one by format.
// Reading/     one reader per format, and ResultsReader that picks one by format.
// Comparison/  equivalence of two results as the W3C test suites compare them.
