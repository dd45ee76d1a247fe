#!/usr/bin/env python3
"""Seeded synthetic knowledge graph as TSV (head<TAB>relation<TAB>tail), for Quiver's benchmarks.

Heads follow a power law (Zipf, exponent --zipf), tails and relations are uniform. With
--uniform-heads F a fraction F of the triples (chosen at random) get a uniform head instead, which
keeps a power-law tail of hubs but stretches shortest paths (the default, 0, is the pure power law). Also writes the
same triples encoded as integers (--ints) for the raw PostgreSQL COPY anchor.

    python3 Benchmarks/gen_graph.py --entities 1000000 --triples 5000000 --relations 500 \
        --seed 42 --out bench-data/g5m.tsv --ints bench-data/g5m.ints.tsv
"""
import argparse
import os

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entities", type=int, default=1_000_000)
    ap.add_argument("--triples", type=int, default=5_000_000)
    ap.add_argument("--relations", type=int, default=500)
    ap.add_argument("--zipf", type=float, default=1.3, help="power-law exponent of head degrees")
    ap.add_argument("--uniform-heads", type=float, default=0.0,
                    help="fraction of triples whose head is uniform rather than Zipf (default 0)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ints", help="also write the triples as integer ids")
    a = ap.parse_args()

    rng = np.random.default_rng(a.seed)
    # Power-law heads: Zipf ranks, shuffled so that hubs are spread over the id space.
    heads = np.empty(0, dtype=np.int64)
    while heads.size < a.triples:
        draw = rng.zipf(a.zipf, size=a.triples)
        heads = np.concatenate([heads, draw[draw <= a.entities] - 1])
    heads = heads[: a.triples]
    perm = rng.permutation(a.entities)
    heads = perm[heads]
    rels = rng.integers(0, a.relations, a.triples)
    tails = rng.integers(0, a.entities, a.triples)
    if a.uniform_heads > 0:
        # Drawn after everything else, so that the default output is unchanged.
        mix = rng.random(a.triples) < a.uniform_heads
        heads[mix] = rng.integers(0, a.entities, int(mix.sum()))

    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    names = np.char.add("e", np.arange(a.entities).astype(str))
    rnames = np.char.add("r", np.arange(a.relations).astype(str))
    chunk = 500_000
    with open(a.out, "w") as f:
        for i in range(0, a.triples, chunk):
            h, r, t = heads[i:i + chunk], rels[i:i + chunk], tails[i:i + chunk]
            lines = np.char.add(np.char.add(np.char.add(np.char.add(names[h], "\t"), rnames[r]), "\t"), names[t])
            f.write("\n".join(lines.tolist()))
            f.write("\n")
    if a.ints:
        # Relations get ids above the entities so all three columns share one id space.
        np.savetxt(a.ints, np.stack([heads, rels + a.entities, tails], 1), fmt="%d", delimiter="\t")


if __name__ == "__main__":
    main()
