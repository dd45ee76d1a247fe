// QuiverSPARQLSyntax: SPARQL 1.1 Query text → syntax tree → the specification's algebra (§18).
// Pure values and functions: no graph, no store, no I/O. The evaluator reads what this makes.
