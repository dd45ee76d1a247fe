// QuiverPaths: multi-hop search over a CSRSnapshot.
//
// Layout:
//   Model/        queries, options, results, errors, the path order
//   Expression/   regular path expressions: parser, NFA, DFA over relation classes
//   Search/       the searches (product BFS, bidirectional BFS, Yen, ordered DFS, counting, hop)
//   PathEngine    the public entry points
