// QuiverSPARQLResults: the SPARQL 1.1 Query Results formats (JSON, XML, CSV, TSV), written as
// rows come and read back. Pure values and functions over terms: no graph, no store.
