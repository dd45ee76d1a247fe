#!/usr/bin/env bash
# Model benchmark (issue 5), one run:
#   quality: `quiver train G --model M --json` with the model's default hyperparameters (no tuning
#            options given) on Nations and Kinships (../shared/datasets), and on UMLS when PyKEEN's
#            packaged copy is installed; the filtered test metrics train reports (both directions,
#            the best-validation epoch's parameters), wall time and peak RSS (/usr/bin/time).
#   speed:   DistMult training throughput on Kinships (positive training triples per second; each
#            scored with the same number of negatives) vs PyKEEN's sLCWA DistMult
#            (Benchmarks/train_peers.py) with the same dim, batch, negatives, optimizer and threads.
# Targets (issue 5): Kinships MRR >= 0.85 and Hits@10 >= 0.98, Nations MRR >= 0.80, each training
# within 15 minutes on this machine.
# Usage: Benchmarks/train.sh [--models complex,nbf] [--datasets nations,kinships,umls] [--skip-peer]
#                            [--tp-dim 200] [--tp-batch 256] [--tp-negatives 16] [--tp-epochs 5]
set -euo pipefail
cd "$(dirname "$0")/.."
models=complex,nbf; datasets=nations,kinships,umls; peer=1
tp_dim=200; tp_batch=256; tp_neg=16; tp_epochs=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --models) models=$2; shift 2;; --datasets) datasets=$2; shift 2;; --skip-peer) peer=0; shift;;
    --tp-dim) tp_dim=$2; shift 2;; --tp-batch) tp_batch=$2; shift 2;;
    --tp-negatives) tp_neg=$2; shift 2;; --tp-epochs) tp_epochs=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
scratch=${SCRATCH:-.build}
if [[ -z "${QUIVER_BIN:-}" ]]; then swift build -c release --scratch-path "$scratch" --product quiver >&2; fi
Q=${QUIVER_BIN:-$PWD/$scratch/release/quiver}
shared=${QUIVER_DATASETS:-$PWD/../shared/datasets}
data=bench-data; mkdir -p "$data"
dir=$data/quiver-data-train; w=$data/train; rm -rf "$w"; mkdir -p "$w"
$Q db stop --data-dir "$dir" >/dev/null 2>&1 || true
rm -rf "$dir"
$Q db start --data-dir "$dir" >/dev/null
trap '$Q db stop --data-dir "$dir" >/dev/null 2>&1 || true' EXIT

# UMLS: PyKEEN ships it inside its wheel (pip install pykeen).
umls=$(python3 -c 'import os, pykeen.datasets as d; print(os.path.join(os.path.dirname(d.__file__), "umls"))' 2>/dev/null || true)
declare -A source=([nations]=$shared/nations [kinships]=$shared/kinships [umls]=$umls)
ran=()
for ds in ${datasets//,/ }; do
  src=${source[$ds]:-}
  if [[ -z "$src" || ! -f "$src/train.txt" ]]; then echo "[$ds] skipped: no train.txt (UMLS needs pip install pykeen)" >&2; continue; fi
  for split in train valid test; do $Q load "$ds" "$src/$split.txt" --split "$split" --data-dir "$dir" >/dev/null; done
  for m in ${models//,/ }; do
    echo "[$ds] quiver train --model $m (defaults)" >&2
    load_before=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%M" -o "$w/$ds-$m.rss" $Q train "$ds" --model "$m" --json --data-dir "$dir" > "$w/$ds-$m.json"
    echo "$load_before $(cut -d' ' -f1 /proc/loadavg)" > "$w/$ds-$m.load"
    ran+=("$ds-$m")
  done
done

if [[ $peer == 1 ]]; then
  echo "[throughput] quiver DistMult on kinships: dim $tp_dim, batch $tp_batch, $tp_neg negatives, 1 thread" >&2
  for split in train valid test; do $Q load kinships "$shared/kinships/$split.txt" --split "$split" --data-dir "$dir" >/dev/null; done
  $Q train kinships --model distmult --name throughput --dim "$tp_dim" --batch "$tp_batch" --negatives "$tp_neg" \
    --optimizer adam --lr 0.001 --regularization 0 --epochs "$tp_epochs" --validate-every 1000 --threads 1 \
    --json --data-dir "$dir" > "$w/tp-quiver.json"
  python3 -c "import pykeen" 2>/dev/null || python3 -m pip install -q pykeen >&2 || true
  if python3 -c "import pykeen" 2>/dev/null; then
    echo "[throughput] PyKEEN DistMult, same settings" >&2
    python3 Benchmarks/train_peers.py --train "$shared/kinships/train.txt" --dim "$tp_dim" --batch "$tp_batch" \
      --negatives "$tp_neg" --epochs "$tp_epochs" --threads 1 > "$w/tp-pykeen.json"
  else
    echo '{"error": "pykeen could not be installed"}' > "$w/tp-pykeen.json"
  fi
fi

python3 - "$w" "${ran[@]}" <<'PY'
import json, os, sys
w, runs = sys.argv[1], sys.argv[2:]
print(f"{'graph':9} {'model':8} {'MRR':>7} {'H@1':>7} {'H@3':>7} {'H@10':>7} {'epochs':>6} {'seconds':>8} {'peak MiB':>8}  load")
for run in runs:
    ds, m = run.rsplit("-", 1)
    r = json.load(open(f"{w}/{run}.json"))
    t = r.get("test") or {}
    rss = int(open(f"{w}/{run}.rss").read().split()[-1]) / 1024
    load = open(f"{w}/{run}.load").read().strip()
    print(f"{ds:9} {m:8} {t.get('mrr', 0):7.4f} {t.get('hits@1', 0):7.4f} {t.get('hits@3', 0):7.4f} {t.get('hits@10', 0):7.4f} "
          f"{r['epochs']:6d} {r['seconds']:8.1f} {rss:8.1f}  {load}")
q, p = f"{w}/tp-quiver.json", f"{w}/tp-pykeen.json"
if os.path.exists(q):
    qr = json.load(open(q))
    qtp = qr["triples_per_second"]
    pr = json.load(open(p))
    h = qr["hyperparameters"]
    print(f"\nDistMult training throughput on kinships (dim {h['dim']}, batch {h['batch']}, {h['negatives']} negatives, 1 thread):")
    print(f"  quiver  {qtp:12,.0f} positive triples/s")
    if "triples_per_second" in pr:
        print(f"  PyKEEN  {pr['triples_per_second']:12,.0f} positive triples/s   ratio {qtp / pr['triples_per_second']:.2f}x")
    else:
        print(f"  PyKEEN  not measured: {pr.get('error')}")
PY
