#!/usr/bin/env bash
# WN18RR benchmark (issue: reasoners on real-sized graphs), one run, peer in the same run:
#   quiver: `quiver train wn18rr --time-budget B --json` with no other option (the defaults fitted
#           to 40,943 entities); the filtered test metrics it reports (both directions), wall time,
#           peak RSS (/usr/bin/time).
#   PyKEEN: ComplEx with the same width, negatives per positive, batch, optimizer and learning rate,
#           trained for the same budget, then its filtered test metrics (Benchmarks/train_wn18rr_peer.py).
# Target: test MRR >= 0.47 within 15 minutes on this machine.
# Usage: Benchmarks/train_wn18rr.sh [--budget 900] [--skip-peer]
set -euo pipefail
cd "$(dirname "$0")/.."
budget=900; peer=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --budget) budget=$2; shift 2;; --skip-peer) peer=0; shift;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[[ -n "${QUIVER_BIN:-}" ]] || swift build -c release --product quiver >&2
Q=${QUIVER_BIN:-$PWD/.build/release/quiver}
src=${QUIVER_DATASETS:-$PWD/../shared/datasets}/wn18rr
data=bench-data; w=$data/train-wn18rr; dir=$data/quiver-data-wn18rr
mkdir -p "$data"; rm -rf "$w"; mkdir -p "$w"
$Q db stop --data-dir "$dir" >/dev/null 2>&1 || true
rm -rf "$dir"
trap '$Q db stop --data-dir "$dir" >/dev/null 2>&1 || true' EXIT
for split in train valid test; do $Q load wn18rr "$src/$split.txt" --split "$split" --data-dir "$dir" >/dev/null; done
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores" >&2
echo "[wn18rr] quiver train --time-budget ${budget}s (defaults)" >&2
/usr/bin/time -f "%M %e" -o "$w/quiver.time" $Q train wn18rr --time-budget "${budget}s" --json --data-dir "$dir" > "$w/quiver.json"
if [[ $peer == 1 ]]; then
  python3 -c "import pykeen" 2>/dev/null || python3 -m pip install -q pykeen >&2 || true
  echo "[wn18rr] PyKEEN ComplEx, same settings and budget" >&2
  if ! /usr/bin/time -f "%M %e" -o "$w/pykeen.time" python3 Benchmarks/train_wn18rr_peer.py --data "$src" --budget "$budget" \
       > "$w/pykeen.json" 2> "$w/pykeen.log"; then
    echo '{"error": "PyKEEN failed: see pykeen.log"}' > "$w/pykeen.json"
  fi
fi
python3 - "$w" "$budget" <<'PY'
import json, os, sys
w, budget = sys.argv[1], float(sys.argv[2])
def timing(name):
    rss, wall = open(f"{w}/{name}.time").read().split()[-2:]
    return int(rss) / 1024, float(wall)
q = json.load(open(f"{w}/quiver.json")); t = q["test"]; h = q["hyperparameters"]
rss, wall = timing("quiver")
print(f"WN18RR, filtered test metrics (both directions), budget {budget:.0f} s; quiver's fitted defaults: {h['model']} "
      f"width {h['dim']}, {h['negatives']} negatives, batch {h['batch']}, lr {h['lr']}")
print(f"{'':8} {'MRR':>7} {'H@1':>7} {'H@3':>7} {'H@10':>7} {'epochs':>7} {'train s':>8} {'wall s':>7} {'peak MiB':>9}")
print(f"{'quiver':8} {t['mrr']:7.4f} {t['hits@1']:7.4f} {t['hits@3']:7.4f} {t['hits@10']:7.4f} {q['epochs']:7d} {q['seconds']:8.1f} {wall:7.1f} {rss:9.0f}")
p = f"{w}/pykeen.json"
if os.path.exists(p):
    r = json.load(open(p))
    if "mrr" in r:
        prss, pwall = timing("pykeen")
        print(f"{'PyKEEN':8} {r['mrr']:7.4f} {r['hits@1']:7.4f} {r['hits@3']:7.4f} {r['hits@10']:7.4f} {r['epochs']:7d} "
              f"{r['train_seconds']:8.1f} {pwall:7.1f} {prss:9.0f}   ({r['triples_per_second']:,.0f} positive triples/s; "
              f"{r['batches']} batches: {r['epochs']} whole epochs)")
    else:
        print(f"PyKEEN   not measured: {r.get('error')}")
ok = t["mrr"] >= 0.47 and q["seconds"] <= 900
print(f"target: test MRR >= 0.47 within 15 minutes: {'PASS' if ok else 'FAIL'} ({t['mrr']:.4f} in {q['seconds']:.0f} s)")
PY
