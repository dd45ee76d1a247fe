// QuiverPaths: multi-hop search over a CSRSnapshot.
