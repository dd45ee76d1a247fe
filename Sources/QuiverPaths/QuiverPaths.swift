// QuiverPaths: multi-hop search over a CSRSnapshot.
//
// Layout:
//   Model/        queries, options, results, errors, the path order
//   Expression/   regular path expressions: parser, NFA, DFA over relation classes
//   Search/       the searches (plain CSR BFS for queries without an expression, product BFS,
//                 bidirectional BFS, Yen, ordered DFS, counting, hop)
//   NodeIndex     name → node in one or two cache misses
//   PathEngine    the public entry points
