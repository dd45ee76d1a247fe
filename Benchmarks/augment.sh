#!/usr/bin/env bash
# Augmentation benchmark (issue "Grokking-style synthetic fact augmentation"), one run:
# Wang et al.'s composition setup (2000 entities, 200 relations, out-degree 20, phi 7.2, seeded),
# generated end to end including writing train/valid/test/vocab.json, by
#   - Benchmarks/grokked_reference.py: a re-implementation of GrokkedTransformer's generator, and
#   - quiver augment --synthetic with the same settings (release build).
# Target: Quiver >= 20x faster; counts agree (atomic 40,000; 2-hop walks 800,000; ID/OOD exactly;
# candidate and test pools within binomial noise, 4 sigma).
# Usage: Benchmarks/augment.sh [--seed N] [--phi X] [--python-seed N]
set -euo pipefail
cd "$(dirname "$0")/.."
seed=1; pyseed=1; phi=7.2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seed) seed=$2; shift 2;; --python-seed) pyseed=$2; shift 2;; --phi) phi=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
python3 -c "import numpy" 2>/dev/null || python3 -m pip install -q numpy
Q=${QUIVER:-}
if [[ -z "$Q" ]]; then
  [[ -x .build/release/quiver ]] || swift build -c release --product quiver
  Q=$PWD/.build/release/quiver
fi
work=bench-data/augment; rm -rf "$work"; mkdir -p "$work"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

sync; py_start=$(date +%s.%N)
python3 Benchmarks/grokked_reference.py --entities 2000 --relations 200 --out-degree 20 --phi "$phi" \
  --seed "$pyseed" --out "$work/python" > "$work/python.json"
py_end=$(date +%s.%N)
sync; q_start=$(date +%s.%N)
"$Q" augment --synthetic --entities 2000 --relations 200 --out-degree 20 --phi "$phi" --seed "$seed" \
  --out "$work/quiver" --json > "$work/quiver.json"
q_end=$(date +%s.%N)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$work" "$py_start" "$py_end" "$q_start" "$q_end" "$(nproc)" "$load_before" "$load_after" <<'PY'
import json, math, sys, os
work, ps, pe, qs, qe, nproc, lb, la = sys.argv[1:]
py = json.load(open(os.path.join(work, "python.json")))
q = json.load(open(os.path.join(work, "quiver.json")))["checks"]
py_s, q_s = float(pe) - float(ps), float(qe) - float(qs)
ratio = py_s / q_s if q_s > 0 else float("inf")
rows = [("atomic", "atomic"), ("2-hop walks", "walks"), ("ID atomic", "id_atomic"), ("OOD atomic", "ood_atomic"),
        ("train candidates", "candidates"), ("test_inferred_iid pool", "test_inferred_iid_pool"),
        ("test_inferred_ood pool", "test_inferred_ood_pool"), ("train inferred", "train_inferred"),
        ("train items", "train_items"), ("valid items", "valid_items"), ("test items", "test_items")]
exact = {"atomic", "walks", "id_atomic", "ood_atomic", "train_inferred", "train_items"}
ok_counts = True
print(f"{'':26}{'python (Wang)':>16}{'quiver':>16}  agree")
for label, key in rows:
    a, b = py[key], q[key]
    if key in exact:
        agree = a == b
    else:
        # Binomial noise: the pools are sums of many independent draws; allow 4 sigma of either.
        sd = math.sqrt(max(a, b, 1))
        agree = abs(a - b) <= 4 * sd * math.sqrt(2)
    ok_counts &= agree
    print(f"{label:26}{a:>16,}{b:>16,}  {'yes' if agree else 'NO'}")
sizes = {f: (os.path.getsize(os.path.join(work, "python", f)), os.path.getsize(os.path.join(work, "quiver", f)))
         for f in ("train.json", "valid.json", "test.json", "vocab.json")}
for f, (a, b) in sizes.items():
    print(f"{f + ' bytes':26}{a:>16,}{b:>16,}")
print(f"{'seconds (end to end)':26}{py_s:>16.3f}{q_s:>16.3f}")
print(f"ratio python/quiver: {ratio:.1f}x (target >= 20x)")
print(f"quiver self-checks: {'passed' if q['passed'] else 'FAILED ' + '; '.join(q['failures'])}")
print(f"nproc {nproc}; load average before {lb}, after {la}")
verdict = ratio >= 20 and ok_counts and q["passed"]
print("PASS" if verdict else "FAIL")
sys.exit(0 if verdict else 1)
PY
