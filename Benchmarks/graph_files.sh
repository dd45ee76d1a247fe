# Sourced by the benchmark scripts that compare Quiver with an RDF store: builds Quiver (release)
# unless QUIVER names a binary, and makes the seeded benchmark graph of $triples triples
# (gen_graph.py, seed 42, $triples / 5 entities, 500 relations) as TSV and as N-Triples with the
# urn:quiver:name: IRIs Quiver gives plain names. Sets Q, data, entities, tsv and nt.
entities=$((triples / 5))
[[ -n "${QUIVER:-}" || -x .build/release/quiver ]] || swift build -c release --product quiver
Q=${QUIVER:-.build/release/quiver}
data=bench-data; mkdir -p "$data"
tsv=$data/g${triples}.tsv
[[ -f $tsv ]] || python3 Benchmarks/gen_graph.py --entities "$entities" --triples "$triples" --relations 500 --seed 42 --out "$tsv"
nt=$data/g${triples}.nt
[[ -f $nt ]] || awk -F'\t' '{ printf "<urn:quiver:name:%s> <urn:quiver:name:%s> <urn:quiver:name:%s> .\n", $1, $2, $3 }' "$tsv" > "$nt"
