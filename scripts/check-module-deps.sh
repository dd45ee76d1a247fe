#!/usr/bin/env bash
# The compute modules read the graph in memory only: none of them may reach libpq (CLibPQ), the
# store or the daemon through its dependencies. Checked from the package's own description, so a
# dependency added in Package.swift fails `make test` at once.
set -euo pipefail
cd "$(dirname "$0")/.."
${SWIFT:-swift} package describe --type json | python3 -c '
import json, sys
targets = {t["name"]: t for t in json.load(sys.stdin)["targets"]}
def closure(name, seen=None):
    seen = set() if seen is None else seen
    for d in targets.get(name, {}).get("target_dependencies", []) or []:
        if d not in seen:
            seen.add(d)
            closure(d, seen)
    return seen
forbidden = {"CLibPQ", "QuiverPostgres", "QuiverStore", "QuiverSnapshot", "QuiverServer", "QuiverService"}
bad = 0
for name in ["QuiverGraph", "QuiverPaths", "QuiverKernels", "QuiverModels", "QuiverAugment", "QuiverSPARQLSyntax", "QuiverSPARQLResults", "QuiverSPARQLEval"]:
    reached = closure(name) & forbidden
    deps = ", ".join(sorted(closure(name)))
    note = "  -- FORBIDDEN: " + ", ".join(sorted(reached)) if reached else ""
    print(name + ": depends on " + deps + note)
    bad += bool(reached)
sys.exit(1 if bad else 0)
'
